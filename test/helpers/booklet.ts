// Booklets of any size, made cheaply: a few sheets rendered once, reused for many generated entries.
// What is under test is the booklet's assembly (contents, page plan), not the rendering of each sheet.
import { join } from 'node:path';
import { expect } from 'vitest';
import { processSheet } from '../../src/batch/sheet-job';
import type { SheetResult } from '../../src/batch/sheet-job';
import type { Workspace } from '../../src/pipeline/sheet';
import { DATA_DIR } from './data';
import { prng } from './generate';
import { squash, type ParsedPdf } from './pdf';

export const BUNDLED = ['087', '088', '089', '090', '091'];

/** The five bundled sheets, checked and rendered. */
export function renderBundled(workspace: Workspace): SheetResult[] {
  return BUNDLED.map((n) => {
    const result = processSheet(join(DATA_DIR, '2021', `${n}.yaml`), workspace);
    if (!result.rendered) throw new Error(`bundled sheet ${n} did not render: ${result.findings.map((f) => f.message).join('; ')}`);
    return result;
  });
}

const WORDS = ['地域共生', '子ども・子育て', 'デジタル・トランスフォーメーション', '公共施設マネジメント', '防災・減災', '移住定住促進', 'スマートシティ', 'SDGs未来都市', 'カーボンニュートラル', '国際交流', '中心市街地活性化', '健康寿命延伸'];

function phrase(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join('');
}

/**
 * `count` sheets numbered from `first` in `departments` 部 (each with one to four 課), with long names: 部 and 課 names
 * of up to about thirty characters, project names of twenty to eighty. Sheet k reuses bundled sheet k mod 5.
 */
export function manySheets(rendered: SheetResult[], count: number, departments: number, first = 1, seed = 1): SheetResult[] {
  const random = prng(seed);
  const depts = Array.from({ length: departments }, (_, d) => ({
    name: `${phrase(random, 1 + (d % 3))}第${d + 1}部`,
    divisions: Array.from({ length: 1 + Math.floor(random() * 4) }, (_, v) => `${phrase(random, 1 + Math.floor(random() * 3))}第${v + 1}課`),
  }));
  // Consecutive numbers per 部, as a city numbers its projects; the 課 vary within.
  const perDept = Math.ceil(count / departments);
  return Array.from({ length: count }, (_, k) => {
    const dept = depts[Math.min(departments - 1, Math.floor(k / perDept))];
    const division = dept.divisions[Math.floor((k % perDept) / Math.ceil(perDept / dept.divisions.length))] ?? dept.divisions[0];
    const name = `${phrase(random, 2 + Math.floor(random() * 6)).slice(0, 10 + Math.floor(random() * 60))}事業（第${first + k}期）`;
    const base = rendered[k % rendered.length];
    return { ...base, entry: { number: first + k, name, department: dept.name, division } };
  });
}

export interface ContentsRow {
  kind: 'department' | 'division' | 'sheet';
  text: string;
  continued?: boolean;
  number?: number;
  page?: number;
}

/** The rows of one contents page as a reader sees them, from the text extracted from the PDF. */
export function contentsRows(pageText: string): ContentsRow[] {
  const lines = pageText.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  expect(lines[0]).toBe('目次');
  expect(lines.at(-1)).toMatch(/^[0-9]+$/); // the folio
  return lines.slice(1, -1).map((line): ContentsRow => {
    const sheet = /^([0-9]{3,}) (.+?) ?(?:…[… ]* )?([0-9]+)$/.exec(line);
    if (sheet) return { kind: 'sheet', number: Number(sheet[1]), text: squash(sheet[2]), page: Number(sheet[3]) };
    const heading = /^(.+?)(（続き）)?$/.exec(line)!;
    const kind = heading[1].endsWith('部') ? 'department' : heading[1].endsWith('課') ? 'division' : undefined;
    if (!kind) throw new Error(`not a contents row: ${line}`);
    return { kind, text: squash(heading[1]), continued: heading[2] !== undefined };
  });
}

/**
 * Everything a reader relies on in a booklet's contents, checked against the PDF itself: the contents pages come
 * right after the blank page and are as many as the page plan says; every sheet is listed once, in order, under
 * its 部 and 課, with the page its sheet really starts on; no heading ends a page; a page that starts inside a
 * 部 or 課 repeats it as continued. Returns the number of contents pages.
 * (Entries must come grouped: each 部 and 課 a run of consecutive numbers, as manySheets makes them.)
 */
export function checkContents(pdf: ParsedPdf, sheets: SheetResult[], result: { pageCount: number; sheetPages: Map<number, number> }): number {
  const entries = sheets.map((s) => s.entry!).sort((a, b) => a.number - b.number);
  let toc = 0;
  while (pdf.pages[2 + toc]?.trimStart().startsWith('目次')) toc++;
  const firstSheet = 3 + toc + (toc % 2); // 1-based
  expect(result.sheetPages.get(entries[0].number)).toBe(firstSheet);
  expect(pdf.pageCount).toBe(result.pageCount);
  expect(pdf.pageCount).toBe(firstSheet - 1 + 2 * entries.length);
  expect(pdf.pages[1].trim()).toBe('（白紙）');
  if (toc % 2 === 1) expect(pdf.pages[2 + toc].trim()).toBe('（白紙）');

  // Where each sheet really starts: the first page of every sheet names its project.
  const starts = pdf.pages.map((text, i) => (/事務事業名 [0-9]{3}/.test(text) ? i + 1 : 0)).filter((p) => p > 0);
  expect(starts).toEqual(entries.map((_, k) => firstSheet + 2 * k));

  const listed: (ContentsRow & { department: string; division: string })[] = [];
  let department = '';
  let division = '';
  for (let p = 0; p < toc; p++) {
    const rows = contentsRows(pdf.pages[2 + p]);
    const context = `contents page ${p + 1}`;
    expect(rows.at(-1)?.kind, `${context} ends with a sheet`).toBe('sheet');
    rows.forEach((row, i) => {
      if (row.kind !== 'sheet') expect(rows[i + 1]?.kind, `${context}: ${row.text} is followed by its first entry`).toBe(row.kind === 'department' ? 'division' : 'sheet');
      // 続き only at the top of a page, and only for the 部 and 課 in progress.
      if (row.continued) {
        expect(p, `${context}: ${row.text}（続き）`).toBeGreaterThan(0);
        expect(row.text).toBe(row.kind === 'department' ? department : division);
        expect(i).toBe(row.kind === 'department' ? 0 : 1);
      }
      if (row.kind === 'department') department = row.text;
      if (row.kind === 'division') division = row.text;
      if (row.kind === 'sheet') listed.push({ ...row, department, division });
    });
    // A page that starts inside the 部 (or 課) of the page before says so first.
    if (p > 0) {
      const at = entries.findIndex((e) => e.number === rows.find((r) => r.kind === 'sheet')!.number);
      const [previous, firstEntry] = [entries[at - 1], entries[at]];
      if (previous.department === firstEntry.department) {
        expect(rows[0], context).toMatchObject({ kind: 'department', text: squash(firstEntry.department), continued: true });
        if (previous.division === firstEntry.division) expect(rows[1], context).toMatchObject({ kind: 'division', text: squash(firstEntry.division), continued: true });
      } else {
        expect(rows[0], context).toMatchObject({ kind: 'department', text: squash(firstEntry.department), continued: false });
      }
    }
  }
  expect(listed.map((l) => l.number)).toEqual(entries.map((e) => e.number));
  listed.forEach((l, k) => {
    const e = entries[k];
    expect(l, `entry ${e.number}`).toMatchObject({ text: squash(e.name), department: squash(e.department), division: squash(e.division), page: firstSheet + 2 * k });
  });
  return toc;
}
