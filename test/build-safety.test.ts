// Issue 3: bad input never damages what was built, and a build killed at any moment leaves no partial PDF.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundledSheet, makeDataDir } from './helpers/data';

const CLI = join(__dirname, '../dist/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? (entry as any).path, entry.name);
    out[path] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

function sheetsNumbered(count: number, name: string): Record<string, unknown> {
  const sheets: Record<string, unknown> = {};
  for (let n = 1; n <= count; n++) {
    const sheet = bundledSheet('087');
    sheet.number = n;
    sheet.name = `${name}${n}`;
    sheets[`${String(n).padStart(3, '0')}.yaml`] = sheet;
  }
  return sheets;
}

describe('a failed build', () => {
  it('leaves the PDFs built before byte-identical and the data untouched', () => {
    const dataDir = makeDataDir(sheetsNumbered(3, '正しい事業'));
    const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    expect(run('build', '--data', dataDir, '--out', outDir).status).toBe(0);
    const before = hashTree(join(outDir, '2021'));
    expect(Object.keys(before)).toHaveLength(3);

    // Sheet 002 gets a mistake; 001 and 003 are changed validly.
    const broken = bundledSheet('087');
    broken.number = 2;
    broken.costs.settled[2020] = '24,857円';
    writeFileSync(join(dataDir, '2021/002.yaml'), stringify(broken, { lineWidth: 0 }));
    const dataBefore = hashTree(dataDir);

    const result = run('build', '--data', dataDir, '--out', outDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('002.yaml:');
    expect(result.stdout).toContain('数値を入力してください（"24,857円" は数値ではありません）');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const after = hashTree(join(outDir, '2021'));
    expect(after[join(outDir, '2021/002.pdf')]).toBe(before[join(outDir, '2021/002.pdf')]);
    expect(hashTree(dataDir)).toEqual(dataBefore);

    const validate = run('validate', dataDir);
    expect(validate.status).toBe(1);
    expect(hashTree(dataDir)).toEqual(dataBefore);
    expect(hashTree(join(outDir, '2021'))).toEqual(after);
  });
});

describe('a build killed midway', () => {
  it('leaves every PDF either whole-old or whole-new, never partial', async () => {
    const count = 24;
    const dataDir = makeDataDir(sheetsNumbered(count, '旧'));
    const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-kill-'));
    expect(run('build', '--data', dataDir, '--out', outDir).status).toBe(0);
    const oldBytes = hashTree(join(outDir, '2021'));

    const newDataDir = makeDataDir(sheetsNumbered(count, '新しい名前の事業'));
    const newOut = mkdtempSync(join(tmpdir(), 'sheetbook-new-'));
    expect(run('build', '--data', newDataDir, '--out', newOut).status).toBe(0);
    const newBytes = new Map(Object.entries(hashTree(join(newOut, '2021'))).map(([p, h]) => [p.slice(newOut.length), h]));

    // Rebuild the old output from the new data and kill it hard once a few sheets are written.
    const child = spawn(process.execPath, [CLI, 'build', '--data', newDataDir, '--out', outDir]);
    await new Promise<void>((resolve) => {
      let written = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        written += (chunk.toString().match(/作成:/g) ?? []).length;
        if (written >= 3) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');

    const files = readdirSync(join(outDir, '2021'));
    const pdfs = files.filter((f) => f.endsWith('.pdf'));
    expect(pdfs).toHaveLength(count);
    let replaced = 0;
    for (const [path, hash] of Object.entries(hashTree(join(outDir, '2021')))) {
      if (!path.endsWith('.pdf')) continue;
      const isNew = hash === newBytes.get(path.slice(outDir.length));
      expect(isNew || hash === oldBytes[path]).toBe(true);
      if (isNew) replaced++;
    }
    expect(replaced).toBeGreaterThanOrEqual(3);
    expect(replaced).toBeLessThan(count);

    // The next run tidies whatever temporary file the killed one left and completes the job.
    expect(run('build', '--data', newDataDir, '--out', outDir).status).toBe(0);
    expect(readdirSync(join(outDir, '2021')).filter((f) => !f.endsWith('.pdf'))).toEqual([]);
  });
});
