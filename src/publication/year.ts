// A whole fiscal year rendered for publication: every sheet checked and drawn (through the render cache), or the
// findings that stop it. Publishing and correcting take all the sheets of a year or none.
import { cacheFor, type RenderCache } from '../batch/cache';
import { folderFindings, selectSheetFiles } from '../batch/selection';
import type { SheetResult } from '../batch/sheet-job';
import { processSheets, type Progress } from '../batch/sheets';
import { displayPath, formatFinding } from '../model/report';
import { deriveSheetView } from '../pipeline/derive';
import { checkData, openWorkspace, type Workspace } from '../pipeline/sheet';
import { printedValues, type PrintedValue } from './printed';

export interface RenderedYear {
  year: number;
  workspace: Workspace;
  cache: RenderCache;
  /** Every sheet of the year, rendered, in number order. */
  sheets: SheetResult[];
}

/** The year's sheets, all rendered; undefined (the findings printed) when any has an error. */
export async function renderYear(
  request: { dataDir: string; year?: number; outDir: string; workspace?: Workspace },
  log: (line: string) => void,
  progress: (tally: { built: number; reused: number; failed: number }) => Progress,
  what: string,
): Promise<RenderedYear | undefined> {
  const selection = selectSheetFiles(request);
  const { year, files, refused } = selection;
  const workspace = request.workspace ?? openWorkspace(request.dataDir);
  const tally = { built: 0, reused: 0, failed: refused.length };
  for (const finding of folderFindings(selection)) log(formatFinding(finding));
  const cache = cacheFor(workspace, request.outDir, year);
  const sheets = await processSheets(files, workspace, cache, progress(tally));
  cache.prune();
  const failed = [...refused.map((d) => `${displayPath(d.file)}:${d.line}`), ...sheets.filter((s) => !s.rendered).map((s) => `${displayPath(s.file)}:${s.findings.find((f) => f.severity === 'error')?.line ?? 1}`)];
  if (failed.length > 0) {
    log(`誤りのあるシートが ${failed.length} 件あるため、${what}: ${failed.join('、')}`);
    return undefined;
  }
  return { year, workspace, cache, sheets };
}

/**
 * Each rendered sheet's printed values, for the record and the 正誤表. They are read again rather than kept by the
 * render cache, which every booklet loads: only publish and errata need them. They come from the derived view, as
 * the fit stage leaves every text as derived but for the SDGs, which it may set as running text (the same goals).
 */
export function printedValuesOf(rendered: RenderedYear): Map<number, PrintedValue[]> {
  return new Map(
    rendered.sheets.map((result) => {
      const checked = checkData(result.file, rendered.workspace);
      if (!checked.sheet) throw new Error(`${result.file} を読み直せませんでした。`);
      return [checked.sheet.number, printedValues(deriveSheetView(checked.sheet, rendered.workspace.city))];
    }),
  );
}
