// `sheetbook export`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ExportOptions } from './export.runner';

const FLAGS = { year: YEAR_FLAG, format: { type: 'string', example: 'csv' }, data: DATA_FLAG, out: OUT_FLAG, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook export [--year 年度] [--format csv|json] [--data フォルダ] [--out フォルダ]
      オープンデータ用に、1 事業 1 行の表を output/<年度>/opendata.csv（または .json）に書き出します。
      CSV は Excel でそのまま開ける UTF-8（BOM 付き）です。その年度のすべてのシートを書き出します。`,
  [
    HELP_LINES.year,
    '  --format 形式    書き出す形式: csv（既定）か json',
    HELP_LINES.data,
    '  --out フォルダ   書き出すフォルダ（既定: output）。<年度>/opendata.csv に書きます',
  ],
);

export function parse(argv: string[]): ExportOptions {
  const { values, positionals } = parseCommandArgs('export', argv, FLAGS);
  if (positionals.length > 0) usageError('export', `export に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを書き出します。`);
  return {
    year: parseYear('export', values.year),
    dataDir: values.data ?? 'data',
    outDir: values.out ?? 'output',
    format: parseChoice('export', '--format', values.format, ['csv', 'json'] as const),
  };
}
