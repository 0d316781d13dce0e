// The 評価結果一覧 of a data folder's year, made as publish makes it: every sheet checked, the overview's figures
// from the checked sheets, the document rendered and written. The sheets must all be free of errors.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkSheet, openWorkspace, type Workspace } from '../../src/pipeline/sheet';
import { overviewData, overviewPdf, renderOverview, type OverviewData, type RenderedOverview } from '../../src/publication/overview';

export interface BuiltOverview {
  workspace: Workspace;
  data: OverviewData;
  rendered: RenderedOverview;
  bytes: Buffer;
}

export async function buildOverview(dataDir: string, year: number): Promise<BuiltOverview> {
  const workspace = openWorkspace(dataDir);
  const dir = join(dataDir, String(year));
  const prepared = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => checkSheet(join(dir, f), workspace));
  const broken = prepared.filter((p) => !p.view);
  expect(broken.map((p) => `${p.file}: ${p.findings.map((f) => f.message).join('; ')}`)).toEqual([]);
  const data = overviewData(year, prepared.map((p) => p.sheet!), workspace.city);
  const rendered = await renderOverview(workspace, year, data);
  return { workspace, data, rendered, bytes: overviewPdf(workspace, year, rendered) };
}
