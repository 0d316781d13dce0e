// `sheetbook new`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, parseCommandArgs, parseNumbers, parseYear, usageError, YEAR_FLAG } from './args';
import type { NewOptions } from './new.runner';

const FLAGS = {
  year: YEAR_FLAG,
  department: { type: 'string', multiple: true, example: '総務部' },
  division: { type: 'string', example: '総務課' },
  data: DATA_FLAG,
  help: HELP_FLAG,
} as const;

export const help = commandHelp(
  `使い方:
  sheetbook new 番号 [--year 年度] [--department 部名] [--division 課名] [--data フォルダ]
      新しい事業の空のシート data/<年度>/<番号>.yaml を作ります（既にあれば作りません）。`,
  [
    '  --year 年度      シートを作る年度（例: 2021）。省くと data/ の最新の年度',
    '  --department 部  シートに書いておく担当の部',
    '  --division 課    シートに書いておく担当の課',
    HELP_LINES.data,
  ],
);

export function parse(argv: string[]): NewOptions {
  const { values, positionals } = parseCommandArgs('new', argv, FLAGS);
  if (positionals.length !== 1) usageError('new', 'new には事業番号を 1 つ指定してください（例: sheetbook new 092）。');
  const [number] = parseNumbers('new', positionals);
  const departments = values.department ?? [];
  if (departments.length > 1) usageError('new', 'new の --department は 1 つだけ指定してください。');
  return { number, year: parseYear('new', values.year), department: departments[0], division: values.division, dataDir: values.data ?? 'data' };
}
