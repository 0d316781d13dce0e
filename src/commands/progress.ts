// Feedback for long runs: a bar with counts and time left on a terminal; plain lines in CI or when piped.
import type { Progress } from '../batch/sheets';
import type { SheetResult } from '../batch/sheet-job';
import { findingOrder } from '../model/types';
import { displayPath, formatFinding } from '../model/report';

export interface Tally {
  built: number;
  reused: number;
  failed: number;
}

export interface ProgressOptions {
  /** Show the work moving (a bar on a terminal, a line per tenth otherwise). Off for a few sheets (watch). */
  moving?: boolean;
  /** Print the sheets' findings at the end. Off where they were printed already (watch's booklet). */
  findings?: boolean;
}

export function createProgress(label: string, log: (line: string) => void, tally: Tally, stream = process.stderr, options: ProgressOptions = {}): Progress {
  const { moving = true, findings: printFindings = true } = options;
  const interactive = moving && stream.isTTY === true && !process.env.CI;
  let total = 0;
  let done = 0;
  let started = 0;
  let lastPlain = 0;
  // Findings are printed together once the work is done, not mixed in among progress lines.
  const findings: SheetResult['findings'] = [];
  const draw = () => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const elapsed = (Date.now() - started) / 1000;
    const left = done > 0 ? Math.max(0, (elapsed / done) * (total - done)) : 0;
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} 残り約 ${Math.ceil(left)} 秒 `);
  };
  return {
    start(n) {
      total = n;
      started = Date.now();
      if (interactive) draw();
    },
    advance(result: SheetResult) {
      done++;
      if (!result.rendered) tally.failed++;
      else if (result.reused) tally.reused++;
      else tally.built++;
      if (printFindings) findings.push(...result.findings);
      if (interactive) {
        draw();
      } else if (moving) {
        // In a log, one line per tenth of the work is enough to show it moving.
        if (done === total || done - lastPlain >= Math.max(1, Math.ceil(total / 10))) {
          lastPlain = done;
          log(`${label}: ${done}/${total}（${displayPath(result.file)}）`);
        }
      }
    },
    finish() {
      if (interactive) stream.write('\r\x1b[K');
      if (!printFindings) return;
      const inOrder = findings.sort(findingOrder);
      for (const finding of inOrder) log(formatFinding(finding));
    },
  };
}

export function summaryLine(what: string, tally: Tally, started: number): string {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return `${what}: 描画 ${tally.built} 件、前回の描画を再利用 ${tally.reused} 件、誤りのため作成せず ${tally.failed} 件（${seconds} 秒）`;
}
