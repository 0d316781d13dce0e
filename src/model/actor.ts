// Who is asking: the person behind a request to `sheetbook serve`. Without accounts (data/users.yaml absent) the
// server runs on this computer only and its one user, who started it, may do everything (`local`). With accounts,
// each person has a role over a part of the year:
//   editor    — the sheets of their own division (担当課);
//   reviewer  — the sheets of their own department (担当部);
//   planning  — every sheet of the year (企画・評価の担当).
export type Role = 'editor' | 'reviewer' | 'planning';

export interface Actor {
  /** The log-in name (`local` without accounts). */
  name: string;
  /** The name shown and written to the history (e.g. 筑波 太郎). */
  displayName: string;
  role: Role | 'local';
  /** 担当部, as the sheets write it (editor, reviewer). */
  department?: string;
  /** 担当課, as the sheets write it (editor). */
  division?: string;
}

/** The one person of a server without accounts. */
export const LOCAL_ACTOR: Actor = { name: 'local', displayName: 'このコンピューターの利用者', role: 'local' };
