// `sheetbook import`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, parseCommandArgs } from './args';
import type { ImportOptions } from './import.runner';

const FLAGS = { data: DATA_FLAG, help: HELP_FLAG };

export const help = commandHelp(
  `使い方:
  sheetbook import ファイル… [--data フォルダ]
      過去の公式シート（テキストに書き出したもの、または PDF）を読み取り、1 シート 1 ファイルの
      YAML の下書きを data/<年度>/<番号>.yaml に作ります。確かでない箇所は「要確認」として一覧にします。
      既にあるファイルは上書きしません。`,
  ['  --data フォルダ  下書きを作るデータのフォルダ（既定: data）'],
);

export function parse(argv: string[]): ImportOptions {
  const { values, positionals } = parseCommandArgs('import', argv, FLAGS);
  return { files: positionals, dataDir: values.data ?? 'data' };
}
