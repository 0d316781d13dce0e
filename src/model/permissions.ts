// Who may do what with a sheet (issue 22): an editor the sheets of their own division (担当課 of their 担当部), a
// reviewer those of their department, planning and the person of a server without accounts every sheet. The sheet's
// 担当部・担当課 are always those of the file on disk, never of the data a request sends: a sheet cannot be opened by
// writing one's own division into it, nor moved out of reach by writing another's.
import type { Actor } from './actor';

/** Whose a sheet is: its 担当部 and 担当課 as its file writes them. */
export interface SheetOwner {
  department: string;
  division: string;
}

/** Planning and the local person see the whole year; everyone else only a part of it. */
export const seesWholeYear = (actor: Actor): boolean => actor.role === 'planning' || actor.role === 'local';

/** Read, check, preview, save and submit. */
export function mayWork(actor: Actor, owner: SheetOwner): boolean {
  if (seesWholeYear(actor)) return true;
  const department = nonEmpty(actor.department);
  if (department === undefined || owner.department !== department) return false;
  if (actor.role === 'reviewer') return true;
  return actor.role === 'editor' && nonEmpty(actor.division) !== undefined && owner.division === actor.division;
}

/** Accept (確認済にする) or send back (差し戻す): the department's reviewer or planning, never the sheet's editor. */
export function mayReview(actor: Actor, owner: SheetOwner): boolean {
  return actor.role !== 'editor' && mayWork(actor, owner);
}

/** The one answer to a sheet one may not reach, the same whether it exists or not (nothing else is revealed). */
export const NOT_YOURS = 'このシートを開く権限がありません。開けるのは、あなたの担当の課（確認者は部）のシートだけです。';

/** A save or a new sheet whose 担当部・担当課 would leave the person's reach. */
export const NOT_YOUR_DIVISION = '担当部・担当課を、あなたの担当でない部・課にすることはできません。保存していません（担当を変えるときは、企画の担当に頼んでください）。';

/** An editor asking to accept or return. */
export const NOT_A_REVIEWER = '確認済にすることと差し戻すことは、部の確認者か企画の担当だけができます。';

const nonEmpty = (text: string | undefined): string | undefined => (text && text.trim() !== '' ? text : undefined);
