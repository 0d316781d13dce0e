// `sheetbook import`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseCommandArgs } from './args';
import { commandHelp } from './help';
import type { ImportOptions } from './import.runner';

export const command = describeCommand({
  name: 'import',
  operands: 'ファイル…',
  summary: '過去の公式シート（テキストに書き出したもの、または PDF）を読み取り、YAML の下書きを作ります。',
  details: [
    '1 シート 1 ファイルの下書きを data/<年度>/<番号>.yaml に作ります。',
    '確かでない箇所は「要確認」として一覧にします。既にあるファイルは上書きしません。',
  ],
  flags: { data: { ...DATA_FLAG, note: '下書きをここに作ります' } },
});

export const help = commandHelp(command);

export function parse(argv: string[]): ImportOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  return { files: positionals, dataDir: values.data };
}
