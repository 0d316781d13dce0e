// `sheetbook rollover`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, parseCommandArgs, parseYear, usageError } from './args';
import type { RolloverOptions } from './rollover.runner';

const FLAGS = { data: DATA_FLAG, help: HELP_FLAG };

export const help = commandHelp(
  `使い方:
  sheetbook rollover 元の年度 先の年度 [--data フォルダ]
      前年度のシートから次の年度のシートを作ります（例: sheetbook rollover 2021 2022）。
      数値は年度ごとに引き継ぎ、毎年書き直す文章には印（review）を付けます。上書きはしません。`,
  [HELP_LINES.data],
);

export function parse(argv: string[]): RolloverOptions {
  const { values, positionals } = parseCommandArgs('rollover', argv, FLAGS);
  if (positionals.length !== 2) usageError('rollover', 'rollover には元の年度と先の年度を指定してください（例: sheetbook rollover 2021 2022）。');
  const [from, to] = positionals.map((y, i) => parseYear('rollover', y, i === 0 ? '元の年度' : '先の年度')!);
  return { from, to, dataDir: values.data ?? 'data' };
}
