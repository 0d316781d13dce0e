// `sheetbook export`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ExportOptions } from './export.runner';
import { commandHelp } from './help';

export const command = describeCommand({
  name: 'export',
  summary: 'オープンデータ用に、1 事業 1 行の表（CSV または JSON）を書き出します。',
  details: ['CSV は Excel でそのまま開ける UTF-8（BOM 付き）です。その年度のすべてのシートを書き出します。'],
  flags: {
    year: YEAR_FLAG,
    format: { type: 'string', value: '形式', description: '書き出す形式', choices: ['csv', 'json'], default: 'csv' },
    data: DATA_FLAG,
    out: { ...OUT_FLAG, note: '<年度>/opendata.csv（または .json）に書きます' },
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): ExportOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) usageError('export', `export に番号は指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを書き出します。`);
  return {
    year: parseYear('export', values.year),
    dataDir: values.data,
    outDir: values.out,
    format: parseChoice('export', '--format', values.format, command.flags.format.choices),
  };
}
