// `sheetbook rollover`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseCommandArgs, parseYear, usageError } from './args';
import { commandHelp } from './help';
import type { RolloverOptions } from './rollover.runner';

export const command = describeCommand({
  name: 'rollover',
  operands: '元の年度 先の年度',
  summary: '前年度のシートから次の年度のシートを作ります（例: sheetbook rollover 2021 2022）。',
  details: ['数値は年度ごとに引き継ぎ、毎年書き直す文章には印（review）を付けます。上書きはしません。'],
  flags: { data: DATA_FLAG },
});

export const help = commandHelp(command);

export function parse(argv: string[]): RolloverOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length !== 2) usageError('rollover', 'rollover には元の年度と先の年度を指定してください（例: sheetbook rollover 2021 2022）。');
  const [from, to] = positionals.map((y, i) => parseYear('rollover', y, i === 0 ? '元の年度' : '先の年度')!);
  return { from, to, dataDir: values.data };
}
