// publish and status with the review flow (issue 22, point 4): a year never put through the flow publishes as before;
// a year in it (a sheet submitted) waits for every sheet to be 確認済 — still the file that was accepted — unless
// `--allow-unchecked`, which the record says; status shows each sheet's state. The history file beside the sheets is
// no sheet and no look-alike for any command.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPublish } from '../src/commands/publish.runner';
import { runStatus, statusText } from '../src/commands/status.runner';
import type { HistoryEvent } from '../src/model/review-flow';
import { checkReview } from '../src/publication/review-gate';
import { appendEvent } from '../src/publication/review-log';
import { bundledSheet, makeDataDir } from './helpers/data';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const quiet = () => {};
const by = { name: 'chief', displayName: '部長 次郎', role: 'reviewer' as const };
const sha = (dir: string, key: string) => createHash('sha256').update(readFileSync(join(dir, '2021', `${key}.yaml`))).digest('hex');
const step = (dir: string, key: string, event: 'submit' | 'accept', from: string, to: string) =>
  appendEvent(dir, 2021, { at: '2026-12-04T01:00:00.000Z', sheet: key, by, event, from, to, sha256: sha(dir, key) } as HistoryEvent);

describe('publish and the review flow', () => {
  it('publishes a year never put through the flow as before, a save history alone not counting', async () => {
    const dir = makeDataDir({ '087.yaml': bundledSheet('087') });
    appendEvent(dir, 2021, { at: '2026-12-04T00:00:00.000Z', sheet: '087', by, event: 'save', changes: [], sha256: sha(dir, '087') });
    const { record } = await runPublish({ dataDir: dir, outDir: join(dir, 'out') }, quiet);
    expect(record).toBeDefined();
    expect(record!.review).toBeUndefined();
    // status says nothing of states for such a year.
    expect(statusText(runStatus({ departments: [], format: 'text', dataDir: dir }, 2021))).not.toMatch(/作成中|確認済/);
  });

  it('refuses a year in the flow while a sheet is not 確認済, and with --allow-unchecked publishes and records which', async () => {
    const dir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    step(dir, '087', 'submit', '作成中', '提出');
    step(dir, '087', 'accept', '提出', '確認済');
    step(dir, '088', 'submit', '作成中', '提出');

    const refused = spawnSync(process.execPath, [CLI, 'publish', '--year', '2021', '--data', dir, '--out', join(dir, 'out')], { encoding: 'utf8', timeout: 60_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('確認済でないシートが 1 件あります: 088（提出）');
    expect(refused.stderr).toContain('--allow-unchecked');
    expect(refused.stderr).not.toMatch(/at .*\.js:/);
    expect(existsSync(join(dir, '2021', 'published'))).toBe(false);
    expect(existsSync(join(dir, 'out', '2021', 'booklet.pdf'))).toBe(false);

    const lines: string[] = [];
    const { record } = await runPublish({ dataDir: dir, outDir: join(dir, 'out'), allowUnchecked: true }, (l) => lines.push(l));
    expect(record!.review).toEqual({ allChecked: false, allowUnchecked: true, unchecked: [{ sheet: '088', state: '提出' }] });
    const written = JSON.parse(readFileSync(join(dir, '2021', 'published', '2022-10-01.json'), 'utf8'));
    expect(written.review.unchecked).toEqual([{ sheet: '088', state: '提出' }]);
    expect(lines.join('\n')).toContain('確認済でないまま発行したシート（--allow-unchecked。記録に残します）: 088（提出）');

    // status shows each state, once the year is in the flow.
    const text = statusText(runStatus({ departments: [], format: 'text', dataDir: dir }, 2021));
    expect(text).toMatch(/確認済 1/);
    expect(text.split('\n').find((l) => l.startsWith('088'))).toContain('提出');
  });

  it('counts an accepted sheet changed by hand since as not 確認済, and all accepted as all checked', () => {
    const dir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    for (const key of ['087', '088']) {
      step(dir, key, 'submit', '作成中', '提出');
      step(dir, key, 'accept', '提出', '確認済');
    }
    expect(checkReview(dir, 2021, false)).toEqual({ allChecked: true });
    const file = join(dir, '2021', '088.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, 'name: 手で書き換えた名前'));
    expect(() => checkReview(dir, 2021, false)).toThrow('088（確認済。その後ファイルが変更されています）');
  });
});
