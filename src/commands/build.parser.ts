// `sheetbook build`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseNumbers, parseYear, YEAR_FLAG } from './args';
import type { BuildOptions } from './build.runner';

const FLAGS = { year: YEAR_FLAG, data: DATA_FLAG, out: OUT_FLAG, help: HELP_FLAG };

export const help = commandHelp(
  `使い方:
  sheetbook build [番号…] [--year 年度] [--data フォルダ] [--out フォルダ]
      シートを検査し、誤りのないものを PDF にします。
      番号を省くと、その年度のすべてのシートを作ります（例: sheetbook build 087 089）。`,
  [HELP_LINES.year, HELP_LINES.data, '  --out フォルダ   PDF を書き出すフォルダ（既定: output）。<年度>/<番号>.pdf に書きます'],
);

export function parse(argv: string[]): BuildOptions {
  const { values, positionals } = parseCommandArgs('build', argv, FLAGS);
  return {
    numbers: parseNumbers('build', positionals),
    year: parseYear('build', values.year),
    dataDir: values.data ?? 'data',
    outDir: values.out ?? 'output',
  };
}
