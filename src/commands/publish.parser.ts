// `sheetbook publish`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { PublishOptions } from './publish.runner';

const FLAGS = { year: YEAR_FLAG, data: DATA_FLAG, out: OUT_FLAG, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook publish [--year 年度] [--data フォルダ] [--out フォルダ]
      その年度を発行します: すべてのシートの PDF、評価結果一覧、冊子を作り、発行した内容の記録を
      data/<年度>/published/<発行日>.json に残します（output/ を消しても記録は残ります）。
      発行日は data/city.yaml の years: に書きます。誤りのあるシートが 1 件でもあれば発行しません。
      発行した後の訂正は「sheetbook errata」で正誤表と差し替えページを作ります。`,
  [HELP_LINES.year, HELP_LINES.data, '  --out フォルダ   書き出すフォルダ（既定: output）'],
);

export function parse(argv: string[]): PublishOptions {
  const { values, positionals } = parseCommandArgs('publish', argv, FLAGS);
  if (positionals.length > 0) usageError('publish', `publish に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを発行します。`);
  return { year: parseYear('publish', values.year), dataDir: values.data ?? 'data', outDir: values.out ?? 'output' };
}
