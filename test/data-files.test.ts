// The files the program reads besides the sheets — data/city.yaml, data/personnel-rates.yaml,
// data/evaluation-sentences.yaml and templates/layout.yaml — are checked against their schemas before use.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledSheet, makeDataDir } from './helpers/data';
import { parsePdf } from './helpers/pdf';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHEETBOOK_DEBUG: '' } });

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('a personnel rate typed as text (reported bug: 人件費計 printed as NaN)', () => {
  it('build refuses it, writes no PDF and never prints NaN', async () => {
    const sheet = bundledSheet('087');
    delete sheet.costs.personnelCost;
    const dataDir = makeDataDir({ '087.yaml': sheet });
    const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    tempDirs.push(dataDir, outDir);
    const rates = join(dataDir, 'personnel-rates.yaml');
    writeFileSync(rates, readFileSync(rates, 'utf8').replace('2021: {staffYear: 6834.6,', '2021: {staffYear: "6,834.6",'));
    const result = run('build', '--data', dataDir, '--out', outDir);
    const pdf = join(outDir, '2021', '087.pdf');
    if (existsSync(pdf)) expect((await parsePdf(readFileSync(pdf))).text).not.toContain('NaN');
    expect(existsSync(pdf)).toBe(false);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain('NaN');
  });
});
