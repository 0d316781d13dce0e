// `sheetbook diff`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseCommandArgs, parseNumbers, parseYear, usageError, YEAR_FLAG } from './args';
import type { DiffOptions } from './diff.runner';
import { isRealDate } from './errata.parser';
import { commandHelp } from './help';

export const command = describeCommand({
  name: 'diff',
  operands: '番号',
  summary: '新旧対照表: 前年度のシート（または発行した記録）から変わった欄を、旧と新を並べて示します。',
  details: [
    '比べるのは、シートの continues に書いた前年度のシートです（番号が変わった事業、統合した事業も）。欄は様式の順です。',
    '例: sheetbook diff 087、sheetbook diff 087 --published 2022-10-01 --out output',
  ],
  flags: {
    year: YEAR_FLAG,
    from: { type: 'string', value: '年度', description: '比べる前の年度', example: '2021', absent: '省くと前年度' },
    published: { type: 'string', value: '発行日', description: 'この日付の発行（または訂正）の記録と比べます', example: '2022-10-01' },
    data: DATA_FLAG,
    out: { type: 'string', value: 'フォルダ', description: '新旧対照表の PDF と CSV を書くフォルダ', absent: '省くと表示だけ', note: '新旧対照表-<番号>-<比べた年度か日付>.pdf と .csv' },
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): DiffOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length !== 1) usageError('diff', 'diff には事業番号を 1 つ指定してください（例: sheetbook diff 087）。');
  const [number] = parseNumbers('diff', positionals);
  if (values.from !== undefined && values.published !== undefined) usageError('diff', '--from と --published は一緒に使えません。どちらか一方を指定してください。');
  if (values.published !== undefined && !isRealDate(values.published)) usageError('diff', `--published には実在する日付を YYYY-MM-DD の形で指定してください（「${values.published}」）。`);
  return { number, year: parseYear('diff', values.year), from: parseYear('diff', values.from, '--from'), published: values.published, dataDir: values.data, outDir: values.out };
}
