// `sheetbook errata`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ErrataOptions } from './errata.runner';

const DATE_FLAG = { type: 'string', example: '2022-11-01' } as const;
const FLAGS = { year: YEAR_FLAG, since: DATE_FLAG, date: DATE_FLAG, data: DATA_FLAG, out: OUT_FLAG, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook errata --date 訂正日 [--year 年度] [--since 発行日] [--data フォルダ] [--out フォルダ]
      発行した後に直したデータを、最後に発行（または訂正）した記録と比べ、正誤表（PDF と CSV）、
      差し替えページ（冊子と同じページ番号）、改訂した冊子を作ります。訂正の記録も残します。
      例: sheetbook errata --date 2022-11-01`,
  [
    HELP_LINES.year,
    '  --date 訂正日    正誤表と差し替えページに印刷する日付（YYYY-MM-DD）。最後の記録（発行・訂正）の翌日以降',
    '  --since 発行日   比べる記録の日付（最新の記録だけを指定できます。別の訂正が先に出ていれば止まります）',
    HELP_LINES.data,
    '  --out フォルダ   書き出すフォルダ（既定: output）',
  ],
);

/** A real calendar date written YYYY-MM-DD (2022-13-01 and 2022-02-30 are not). */
export function isRealDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function parseDate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isRealDate(value)) usageError('errata', `${flag} には実在する日付を YYYY-MM-DD の形で指定してください（「${value}」）。`);
  return value;
}

export function parse(argv: string[]): ErrataOptions {
  const { values, positionals } = parseCommandArgs('errata', argv, FLAGS);
  if (positionals.length > 0) usageError('errata', `errata に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを比べます。`);
  const date = parseDate('--date', values.date);
  if (!date) usageError('errata', '訂正の日付を --date で指定してください（例: --date 2022-11-01）。正誤表と差し替えページに印刷します。');
  return { year: parseYear('errata', values.year), since: parseDate('--since', values.since), date, dataDir: values.data ?? 'data', outDir: values.out ?? 'output' };
}
