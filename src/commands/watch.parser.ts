// `sheetbook watch`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { WatchOptions } from './watch.runner';

const FLAGS = { year: YEAR_FLAG, booklet: { type: 'boolean' }, data: DATA_FLAG, out: OUT_FLAG, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook watch [--year 年度] [--booklet] [--data フォルダ] [--out フォルダ]
      シートのフォルダ（data/<年度>/）、市のデータ（data/city.yaml など）、templates/、fonts/ を監視します。
      シートを保存するたびに、そのシートを検査し（validate と同じ形で誤りを表示します）、誤りがなければ
      そのシートの PDF だけを作り直します。誤りがあれば、前に作った PDF はそのままです。
      テンプレート・フォント・市のデータを保存すると、その年度のすべてのシートを作り直します。
      誤りがあっても監視を続けます。終わるには Ctrl+C を押します。`,
  [
    HELP_LINES.year,
    '  --booklet        シートを作り直すたびに、その年度の冊子 <年度>/booklet.pdf も作り直します',
    HELP_LINES.data,
    '  --out フォルダ   PDF を書き出すフォルダ（既定: output）。<年度>/<番号>.pdf に書きます',
  ],
  '終了コード: 0 Ctrl+C で終わった / 1 フォルダを監視できない / 2 使い方の誤り',
);

export function parse(argv: string[]): WatchOptions {
  const { values, positionals } = parseCommandArgs('watch', argv, FLAGS);
  if (positionals.length > 0) {
    usageError('watch', `watch に番号やファイルは指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを監視します。`);
  }
  return {
    year: parseYear('watch', values.year),
    dataDir: values.data ?? 'data',
    outDir: values.out ?? 'output',
    booklet: values.booklet ?? false,
  };
}
