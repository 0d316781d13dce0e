// `sheetbook build`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseNumbers, parseYear, YEAR_FLAG } from './args';
import type { BuildOptions } from './build.runner';
import { commandHelp } from './help';

export const command = describeCommand({
  name: 'build',
  operands: '[番号…]',
  summary: 'シートを検査し、誤りのないものを PDF にします。',
  details: ['番号を省くと、その年度のすべてのシートを作ります（例: sheetbook build 087 089）。'],
  flags: { year: YEAR_FLAG, data: DATA_FLAG, out: { ...OUT_FLAG, note: '<年度>/<番号>.pdf に書きます' } },
});

export const help = commandHelp(command);

export function parse(argv: string[]): BuildOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  return {
    numbers: parseNumbers('build', positionals),
    year: parseYear('build', values.year),
    dataDir: values.data,
    outDir: values.out,
  };
}
