// Whether a year may be published as far as the review flow goes. A year in the flow (a sheet of it submitted,
// data/<year>/history.jsonl) is published only when every sheet is 確認済 — and still the file that was accepted —,
// unless the planning division says otherwise (`publish --allow-unchecked`, which the record then says). A year never
// put through the flow (those published before it existed, a city that uses the command line alone) is published as
// before: it has no one to have accepted its sheets, and asking for a flag on every such year would teach people to
// pass it always.
import { readFileSync } from 'node:fs';
import { readYearFolder, numberFromFileName } from '../model/data-folder';
import { UserError } from '../model/errors';
import type { ReviewState } from '../model/review-flow';
import { sheetKey } from './record';
import { readYearFlow } from './review-log';
import { flowStatus } from './year-status';

export interface UncheckedSheet {
  sheet: string;
  state: ReviewState;
  /** Accepted (or submitted), and the file changed since. */
  changedSince?: boolean;
}

/** What the publication record says of the review: absent for a year never put through the flow. */
export type ReviewRecord = { allChecked: true } | { allChecked: false; allowUnchecked: true; unchecked: UncheckedSheet[] };

export function reviewGate(dataDir: string, year: number): { inUse: boolean; unchecked: UncheckedSheet[] } {
  const flow = readYearFlow(dataDir, year);
  if (!flow.inUse) return { inUse: false, unchecked: [] };
  const unchecked: UncheckedSheet[] = [];
  for (const file of readYearFolder(dataDir, year).sheets) {
    const key = sheetKey(numberFromFileName(file)!);
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(file);
    } catch {
      bytes = undefined;
    }
    const status = flowStatus(flow, key, bytes);
    if (status.state !== '確認済' || status.changedSince) unchecked.push({ sheet: key, state: status.state, ...(status.changedSince ? { changedSince: true } : {}) });
  }
  return { inUse: true, unchecked };
}

const describe = (u: UncheckedSheet) => `${u.sheet}（${u.state}${u.changedSince ? '。その後ファイルが変更されています' : ''}）`;

/** The review part of the record, or a refusal (exit 1) naming the sheets not yet 確認済. */
export function checkReview(dataDir: string, year: number, allowUnchecked: boolean): ReviewRecord | undefined {
  const gate = reviewGate(dataDir, year);
  if (!gate.inUse) return undefined;
  if (gate.unchecked.length === 0) return { allChecked: true };
  if (allowUnchecked) return { allChecked: false, allowUnchecked: true, unchecked: gate.unchecked };
  throw new UserError(
    `${year}年度は確認の流れ（提出 → 確認済）を使っていますが、確認済でないシートが ${gate.unchecked.length} 件あります: ${gate.unchecked.map(describe).join('、')}。` +
      '発行しませんでした（データも記録もそのままです）。すべてを確認済にしてから発行してください。' +
      '確認を待たずに発行するときは --allow-unchecked を付けます（発行の記録に、確認済でないシートとして残します）。',
    1,
  );
}

/** One line for the person publishing, when the record says sheets were published unchecked. */
export const uncheckedNote = (review: ReviewRecord | undefined): string | undefined =>
  review && !review.allChecked ? `確認済でないまま発行したシート（--allow-unchecked。記録に残します）: ${review.unchecked.map(describe).join('、')}` : undefined;
