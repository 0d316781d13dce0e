// npm run test:scale — the booklet at the size of a large city: 3,000 sheets in 40 部 (and the 2,000 sheets in
// 20 部 of issue 15), read back from the PDF and checked entry by entry. Slow (about a minute or two), so not part
// of `npm test`. Sheets are rendered once and reused: what is under test is the booklet's assembly.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { assembleBooklet } from '../../src/batch/booklet';
import { openWorkspace } from '../../src/pipeline/sheet';
import { checkContents, manySheets, renderBundled } from '../helpers/booklet';
import { DATA_DIR } from '../helpers/data';
import { parsePdf } from '../helpers/pdf';

const everything = { only: [], departments: [] };

describe.each([
  { sheets: 3000, departments: 40 },
  { sheets: 2000, departments: 20 },
])('a booklet of $sheets sheets in $departments 部', ({ sheets: count, departments }) => {
  it('has as many contents pages as planned, and every entry shows the page its sheet starts on', async () => {
    const workspace = openWorkspace(DATA_DIR);
    const sheets = manySheets(renderBundled(workspace), count, departments, 1, count);
    const started = performance.now();
    const result = assembleBooklet(workspace, 2021, sheets, everything);
    const assembled = performance.now() - started;
    const pdf = await parsePdf(result.bytes);
    const toc = checkContents(pdf, sheets, result);
    expect(result.pageCount).toBe(2 + toc + (toc % 2) + 2 * count);
    console.log(
      `${count} sheets in ${departments} 部: ${result.pageCount} pages (${toc} contents pages), ` +
        `${(result.bytes.length / 1024 / 1024).toFixed(1)} MB, assembled in ${(assembled / 1000).toFixed(1)} s`,
    );
  });
});
