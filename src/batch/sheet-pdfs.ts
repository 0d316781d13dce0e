// Each sheet as its own PDF, output/<year>/<number>.pdf: written only when its rendering changed since the PDF was
// written, so that every line printed names a file really written.
import { outputPathFor } from '../model/data-folder';
import { displayPath } from '../model/report';
import { sheetPdf, type Workspace } from '../pipeline/sheet';
import { writeFileAtomic, type FileTransaction } from '../pipeline/write';
import type { RenderCache } from './cache';
import type { SheetResult } from './sheet-job';

/** The rendered sheets whose PDF is not the one output/ holds, with their PDF's path; and how many are in step. */
function outOfStep(cache: RenderCache, results: SheetResult[], outDir: string, year: number): { due: { result: SheetResult; target: string }[]; unchanged: number } {
  const due: { result: SheetResult; target: string }[] = [];
  let unchanged = 0;
  for (const result of results) {
    if (!result.rendered || !result.entry) continue;
    const target = outputPathFor(outDir, year, result.entry.number);
    if (result.key && cache.inStep(target, result.key)) unchanged++;
    else due.push({ result, target });
  }
  return { due, unchanged };
}

/**
 * Keep which rendering each PDF holds. Failing to keep it costs only time (the next build writes those PDFs again),
 * so it never fails a command whose PDFs are written, nor hides the error of one that failed.
 */
function saveWritten(cache: RenderCache): void {
  try {
    cache.saveWritten();
  } catch {
    // see above
  }
}

const madeLine = (target: string, result: SheetResult) => `作成: ${displayPath(target)}${result.reused ? '（前回の描画から）' : ''}`;
const unchangedLine = (count: number) => `変わっていない PDF ${count} 件はそのままです。`;

/**
 * Write each changed sheet's PDF, one after another, each whole or not at all (build, watch). A failure stops at
 * that sheet (and names it); the PDFs written before it are whole and stay.
 */
export function writeSheetPdfs(workspace: Workspace, cache: RenderCache, results: SheetResult[], outDir: string, year: number, log: (line: string) => void): string[] {
  const written: string[] = [];
  const { due, unchanged } = outOfStep(cache, results, outDir, year);
  try {
    for (const { result, target } of due) {
      writeFileAtomic(target, sheetPdf(workspace, result.rendered!, year));
      if (result.key) cache.markWritten(target, result.key);
      written.push(target);
      log(madeLine(target, result));
    }
  } finally {
    saveWritten(cache);
  }
  if (unchanged > 0) log(unchangedLine(unchanged));
  return written;
}

/**
 * The changed sheets' PDFs as part of a command that writes all its files or none (publish, errata): staged in
 * `transaction`; once it is committed, `committed()` notes them in the cache and says what was written.
 */
export function stageSheetPdfs(
  workspace: Workspace,
  cache: RenderCache,
  results: SheetResult[],
  outDir: string,
  year: number,
  transaction: FileTransaction,
  log: (line: string) => void,
): { targets: string[]; committed: () => void } {
  const { due, unchanged } = outOfStep(cache, results, outDir, year);
  for (const { result, target } of due) {
    transaction.stage(target, sheetPdf(workspace, result.rendered!, year), () => {
      if (result.key) cache.markWritten(target, result.key);
      log(madeLine(target, result));
    });
  }
  return {
    targets: due.map((d) => d.target),
    committed: () => {
      saveWritten(cache);
      if (unchanged > 0) log(unchangedLine(unchanged));
    },
  };
}
