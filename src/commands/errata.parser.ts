// `sheetbook errata`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ErrataOptions } from './errata.runner';
import { commandHelp } from './help';

const DATE = { type: 'string', example: '2022-11-01' } as const;

export const command = describeCommand({
  name: 'errata',
  summary: '発行した後の訂正: 正誤表、差し替えページ、改訂した冊子を作ります。',
  details: [
    '直したデータを、最後に発行（または訂正）した記録と比べます。正誤表は PDF と CSV で、差し替えページは',
    '冊子と同じページ番号です。訂正の記録も残します。',
    '例: sheetbook errata --date 2022-11-01',
  ],
  flags: {
    year: YEAR_FLAG,
    date: { ...DATE, value: '訂正日', required: true, description: '正誤表と差し替えページに印刷する日付', note: '最後の記録（発行・訂正）の翌日以降' },
    since: { ...DATE, value: '発行日', description: '比べる記録の日付', note: '最新の記録だけを指定できます。別の訂正が先に出ていれば止まります' },
    data: DATA_FLAG,
    out: OUT_FLAG,
  },
});

export const help = commandHelp(command);

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
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) usageError('errata', `errata に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを比べます。`);
  const date = parseDate('--date', values.date);
  if (!date) usageError('errata', '訂正の日付を --date で指定してください（例: --date 2022-11-01）。正誤表と差し替えページに印刷します。');
  return { year: parseYear('errata', values.year), since: parseDate('--since', values.since), date, dataDir: values.data, outDir: values.out };
}
