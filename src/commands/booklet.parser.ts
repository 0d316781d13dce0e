// `sheetbook booklet`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseNumbers, parseYear, usageError, YEAR_FLAG } from './args';
import type { BookletOptions } from './booklet.runner';

const FLAGS = {
  year: YEAR_FLAG,
  only: { type: 'string', multiple: true, example: '087,089' },
  department: { type: 'string', multiple: true, example: '政策イノベーション部' },
  data: DATA_FLAG,
  out: OUT_FLAG,
  help: HELP_FLAG,
} as const;

export const help = commandHelp(
  `使い方:
  sheetbook booklet [--year 年度] [--only 番号,番号…] [--department 部名…] [--data フォルダ] [--out フォルダ]
      その年度の冊子（表紙・目次・評価結果一覧・全シート）を output/<年度>/booklet.pdf に作ります。
      --only や --department で議会用の抜粋を作れます（例: booklet-087-089.pdf）。
      変わったシートだけを作り直し、ほかは前回の結果を再利用します。`,
  [
    HELP_LINES.year,
    '  --only 番号      冊子に入れるシート（カンマ区切り、例: 087,089）',
    '  --department 部  冊子に入れる部（カンマ区切りか、くり返し指定できます）',
    HELP_LINES.data,
    '  --out フォルダ   冊子を書き出すフォルダ（既定: output）。<年度>/booklet.pdf に書きます',
  ],
);

export function parse(argv: string[]): BookletOptions {
  const { values, positionals } = parseCommandArgs('booklet', argv, FLAGS);
  if (positionals.length > 0) {
    usageError('booklet', `booklet に番号は指定できません（「${positionals.join(' ')}」）。シートを選ぶには --only を使います（例: --only 087,089）。`);
  }
  // Lists as people type them: commas (half- or full-width) or the flag repeated, spaces around, a name twice.
  // A flag given nothing (`--only ""`, an unset shell variable) would otherwise mean the whole year: refused.
  const items = (v: string) => v.split(/[,、，]/).map((item) => item.trim()).filter(Boolean);
  const list = (flag: string, given: string[] | undefined, what: string, example: string) => {
    const empty = (given ?? []).find((v) => items(v).length === 0);
    if (empty !== undefined) {
      usageError('booklet', `--${flag} に${what}がありません（「${empty}」）。冊子に入れる${what}を書いてください（例: --${flag} ${example}）。年度のすべてのシートの冊子は --${flag} を付けずに作ります。`);
    }
    return [...new Set((given ?? []).flatMap(items))];
  };
  const only = [...new Set(parseNumbers('booklet', list('only', values.only, 'シートの番号', '087,089')))].sort((a, b) => a - b);
  return {
    year: parseYear('booklet', values.year),
    dataDir: values.data ?? 'data',
    outDir: values.out ?? 'output',
    selection: { only, departments: list('department', values.department, '部の名前', '総務部') },
  };
}
