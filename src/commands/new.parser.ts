// `sheetbook new`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseCommandArgs, parseNumbers, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { NewOptions } from './new.runner';

export const command = describeCommand({
  name: 'new',
  operands: '番号',
  summary: '新しい事業の空のシート data/<年度>/<番号>.yaml を作ります（既にあれば作りません）。',
  flags: {
    year: YEAR_FLAG,
    // Taken as a list only so that a second one is refused (parseArgs keeps the last without a word).
    department: { type: 'string', multiple: true, value: '部名', description: 'シートに書いておく担当の部', example: '総務部' },
    division: { type: 'string', value: '課名', description: 'シートに書いておく担当の課', example: '総務課' },
    data: DATA_FLAG,
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): NewOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length !== 1) usageError('new', 'new には事業番号を 1 つ指定してください（例: sheetbook new 092）。');
  const [number] = parseNumbers('new', positionals);
  const departments = values.department ?? [];
  if (departments.length > 1) usageError('new', 'new の --department は 1 つだけ指定してください。');
  return { number, year: parseYear('new', values.year), department: departments[0], division: values.division, dataDir: values.data };
}
