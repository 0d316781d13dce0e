// `sheetbook publish`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { PublishOptions } from './publish.runner';

export const command = describeCommand({
  name: 'publish',
  summary: 'その年度を発行します（全シート、評価結果一覧、冊子と、発行した内容の記録）。',
  details: [
    '発行した内容の記録は data/<年度>/published/<発行日>.json に残します（output/ を消しても記録は残ります）。',
    '発行日は data/city.yaml の years: に書きます。誤りのあるシートが 1 件でもあれば発行しません。',
    '発行した後の訂正は「sheetbook errata」で正誤表と差し替えページを作ります。',
    '確認の流れ（serve の提出 → 確認済）を使った年度は、すべてのシートが確認済になるまで発行しません。',
  ],
  flags: {
    year: YEAR_FLAG,
    data: DATA_FLAG,
    out: OUT_FLAG,
    'allow-unchecked': { type: 'boolean', description: '確認済でないシートがあっても発行します（発行の記録にそのシートを残します）' },
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): PublishOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) usageError('publish', `publish に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを発行します。`);
  return { year: parseYear('publish', values.year), dataDir: values.data, outDir: values.out, allowUnchecked: values['allow-unchecked'] ?? false };
}
