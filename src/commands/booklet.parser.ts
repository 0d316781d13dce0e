// `sheetbook booklet`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseNumbers, parseYear, usageError, YEAR_FLAG } from './args';
import type { BookletOptions } from './booklet.runner';
import { commandHelp } from './help';

const LIST = 'カンマ区切りか、くり返し指定できます';

export const command = describeCommand({
  name: 'booklet',
  summary: 'その年度の冊子（表紙・目次・評価結果一覧・全シート）や、議会用の抜粋を作ります。',
  details: [
    '--only や --department で選んだシートの抜粋は、booklet-087-089.pdf のような名前になります。',
    '変わったシートだけを作り直し、ほかは前回の結果を再利用します。',
  ],
  flags: {
    year: YEAR_FLAG,
    only: { type: 'string', multiple: true, value: '番号,番号…', description: '冊子に入れるシート', example: '087,089', note: LIST },
    department: { type: 'string', multiple: true, value: '部名…', description: '冊子に入れる部', example: '政策イノベーション部', note: LIST },
    data: DATA_FLAG,
    out: { ...OUT_FLAG, note: '冊子を <年度>/booklet.pdf に書きます' },
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): BookletOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
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
    dataDir: values.data,
    outDir: values.out,
    selection: { only, departments: list('department', values.department, '部の名前', '総務部') },
  };
}
