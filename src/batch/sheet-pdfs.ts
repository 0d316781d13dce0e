// Each sheet as its own PDF, output/<year>/<number>.pdf: written only when its rendering changed since the PDF was
// written, so that every line printed names a file really written.
import { outputPathFor } from '../model/data-folder';
import { displayPath } from '../model/report';
import { sheetPdf, type Workspace } from '../pipeline/sheet';
import { writeFileAtomic } from '../pipeline/write';
import type { RenderCache } from './cache';
import type { SheetResult } from './sheet-job';

export function writeSheetPdfs(workspace: Workspace, cache: RenderCache, results: SheetResult[], outDir: string, year: number, log: (line: string) => void): string[] {
  const written: string[] = [];
  let unchanged = 0;
  for (const result of results) {
    if (!result.rendered || !result.entry) continue;
    const target = outputPathFor(outDir, year, result.entry.number);
    if (result.key && cache.inStep(target, result.key)) {
      unchanged++;
      continue;
    }
    writeFileAtomic(target, sheetPdf(workspace, result.rendered, year));
    if (result.key) cache.markWritten(target, result.key);
    written.push(target);
    log(`作成: ${displayPath(target)}${result.reused ? '（前回の描画から）' : ''}`);
  }
  cache.saveWritten();
  if (unchanged > 0) log(`変わっていない PDF ${unchanged} 件はそのままです。`);
  return written;
}
