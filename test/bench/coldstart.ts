// npm run bench:coldstart — one changed sheet, whole process: `sheetbook build 087` with the render cache missing
// for that sheet (its YAML is edited before every run), against `node -e 0` measured in the same run, alternating.
// `sheetbook build` (the bin entry, started by its #! line) is measured beside `node dist/cli.js build`, and Typst
// making a page of the same sheet (test/bench/typst-sheet.ts) beside both.
// Prints medians (and the median above `node -e 0`). Not a test: nothing here asserts a time.
//
//   COLDSTART_RUNS=15   runs of each variant (default 15)
//   COLDSTART_ONLY=a,b  only these variants (labels below)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.COLDSTART_RUNS ?? 15);
const ROOT = resolve('.');
const SHEET = '087';
// One changed sheet, whole process, no background process (issue 19).
const TARGET_MS = 200;
const TIME = process.platform === 'linux' && existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Variant {
  label: string;
  command: string;
  args: (data: string, out: string) => string[];
  /** Edit the sheet before each run (a cache miss), and expect the PDF to be written. */
  build: boolean;
  /** The PDF it writes, under the output folder (sheetbook's own by default). */
  pdf?: string;
  env?: Record<string, string>;
}

// The bin entry as a user's shell starts it (npx and `npm link` run this file by its #! line).
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BIN = resolve(ROOT, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.sheetbook);
const buildArgs = (data: string, out: string) => ['build', SHEET, '--data', data, '--out', out];
const TYPST = join(__dirname, 'typst-sheet.js');
const TYPST_PDF = `${SHEET}-typst.pdf`;

const VARIANTS: Variant[] = [
  { label: 'node -e 0', command: process.execPath, args: () => ['-e', '0'], build: false },
  { label: 'node dist/cli.js build', command: process.execPath, args: (d, o) => [join(ROOT, 'dist/cli.js'), ...buildArgs(d, o)], build: true },
  ...(process.platform === 'win32' ? [] : [{ label: 'sheetbook build (bin)', command: BIN, args: buildArgs, build: true }]),
  // The yardstick: Typst making a page of the same sheet, whole process too (test/bench/typst-sheet.ts).
  { label: 'typst (typst.ts), same sheet', command: process.execPath, args: (d, o) => [TYPST, join(o, '2021', TYPST_PDF), join(d, '2021', `${SHEET}.yaml`)], build: true, pdf: TYPST_PDF },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const only = process.env.COLDSTART_ONLY?.split(',').map((s) => s.trim());
  const variants = VARIANTS.filter((v) => !only || v.label === 'node -e 0' || only.includes(v.label));
  const data = mkdtempSync(join(tmpdir(), 'sheetbook-coldstart-data-'));
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-coldstart-out-'));
  cpSync(join(ROOT, 'data'), data, { recursive: true });
  mkdirSync(join(out, '2021'), { recursive: true });
  const sheet = join(data, '2021', `${SHEET}.yaml`);
  const pdfOf = (v: Variant) => join(out, '2021', v.pdf ?? `${SHEET}.pdf`);
  const original = readFileSync(sheet, 'utf8');
  if (!/^  reason: .*$/m.test(original)) throw new Error(`${sheet} has no "  reason:" line to edit`);
  let edits = 0;
  const times = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const cpuTimes = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  try {
    // One untimed run of each to warm the file system cache and build the render cache of the other sheets' files.
    for (let round = -1; round < RUNS; round++) {
      for (const v of variants) {
        if (v.build) {
          writeFileSync(sheet, original.replace(/^  reason: .*$/m, `  reason: 修正 ${++edits} 回目`));
          rmSync(pdfOf(v), { force: true });
        }
        const started = process.hrtime.bigint();
        // With GNU time, the child's CPU time too (user + system): on a busy machine it varies less than the wall clock.
        const [command, args] = TIME ? [TIME, ['-f', 'cpu=%U+%S', v.command, ...v.args(data, out)]] : [v.command, v.args(data, out)];
        const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, CI: '1', ...v.env } });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const cpu = /cpu=([0-9.]+)\+([0-9.]+)\s*$/.exec(result.stderr ?? '');
        if (cpu && round >= 0) cpuTimes.get(v.label)!.push((Number(cpu[1]) + Number(cpu[2])) * 1000);
        if (result.status !== 0) throw new Error(`${v.label} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
        if (v.build && !existsSync(pdfOf(v))) throw new Error(`${v.label} wrote no ${pdfOf(v)}:\n${result.stdout}`);
        if (v.build && !result.stdout.includes('作成:')) throw new Error(`${v.label} did not render the edited sheet:\n${result.stdout}`);
        if (round >= 0) times.get(v.label)!.push(ms);
      }
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  const base = median(times.get('node -e 0')!);
  const rows = variants.map((v) => {
    const xs = times.get(v.label)!;
    const cpu = cpuTimes.get(v.label)!;
    return {
      variant: v.label,
      medianMs: Math.round(median(xs)),
      aboveNodeMs: Math.round(median(xs) - base),
      minMs: Math.round(Math.min(...xs)),
      maxMs: Math.round(Math.max(...xs)),
      cpuMs: cpu.length ? Math.round(median(cpu)) : undefined,
    };
  });
  console.log(JSON.stringify({ machine: { cpus: availableParallelism(), node: process.version, platform: process.platform }, runs: RUNS, sheet: SHEET, rows, targets: { medianMs: TARGET_MS } }, null, 2));
  console.log(`| ${'variant'.padEnd(30)} | ${'median'.padStart(8)} | ${'above node'.padStart(10)} | ${'min–max'.padStart(12)} | ${'cpu'.padStart(8)} |`);
  for (const r of rows) {
    const cpu = r.cpuMs === undefined ? '—' : `${r.cpuMs} ms`;
    console.log(`| ${r.variant.padEnd(30)} | ${`${r.medianMs} ms`.padStart(8)} | ${`${r.aboveNodeMs} ms`.padStart(10)} | ${`${r.minMs}–${r.maxMs}`.padStart(12)} | ${cpu.padStart(8)} |`);
  }
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${availableParallelism()} cores)`);
  console.log(`target: median ≤ ${TARGET_MS} ms`);
}

void main();
