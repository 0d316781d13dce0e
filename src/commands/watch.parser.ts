// `sheetbook watch`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { WatchOptions } from './watch.runner';

export const command = describeCommand({
  name: 'watch',
  summary: 'シートを保存するたびに検査し、そのシートの PDF を作り直します（Ctrl+C で終わります）。',
  details: [
    'シートのフォルダ（data/<年度>/）、市のデータ（data/city.yaml など）、templates/、fonts/ を監視します。',
    '誤りは validate と同じ形で表示します。誤りがあれば、前に作った PDF はそのままです。',
    'テンプレート・フォント・市のデータを保存すると、その年度のすべてのシートを作り直します。',
    '誤りがあっても監視を続けます。',
  ],
  flags: {
    year: YEAR_FLAG,
    booklet: { type: 'boolean', description: 'シートを作り直すたびに、その年度の冊子 <年度>/booklet.pdf も作り直します' },
    data: DATA_FLAG,
    out: { ...OUT_FLAG, note: '<年度>/<番号>.pdf に書きます' },
  },
  exitCodes: '終了コード: 0 Ctrl+C で終わった / 1 フォルダを監視できない / 2 使い方の誤り',
});

export const help = commandHelp(command);

export function parse(argv: string[]): WatchOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) {
    usageError('watch', `watch に番号やファイルは指定できません（「${positionals.join(' ')}」）。その年度のすべてのシートを監視します。`);
  }
  return {
    year: parseYear('watch', values.year),
    dataDir: values.data,
    outDir: values.out,
    booklet: values.booklet ?? false,
  };
}
