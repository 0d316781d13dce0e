// `sheetbook validate`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { ValidateOptions } from './validate.runner';

export const command = describeCommand({
  name: 'validate',
  operands: '[ファイルまたはフォルダ…]',
  summary: 'シートを検査し、すべての誤りを一覧にします。何も書き換えません。',
  details: ['誤りは「ファイル:行:桁 重大度 項目 › 項目: 説明」の形で示します。', 'ファイルやフォルダを省くと、--data のシートを検査します。'],
  flags: {
    year: { ...YEAR_FLAG, absent: '省くと --data のすべての年度', note: 'ファイルやフォルダの指定とは一緒に使えません' },
    data: DATA_FLAG,
    format: { type: 'string', value: '形式', description: '出力の形式', choices: ['text', 'json'], default: 'text', example: 'json' },
  },
});

export const help = commandHelp(command);

export function parse(argv: string[]): ValidateOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  const year = parseYear('validate', values.year);
  if (year !== undefined && positionals.length > 0) {
    usageError('validate', `validate では、ファイルやフォルダ（「${positionals.join(' ')}」）と --year を一緒に指定できません。どちらか一方にしてください。`);
  }
  return {
    paths: positionals,
    year,
    dataDir: values.data,
    format: parseChoice('validate', '--format', values.format, command.flags.format.choices),
  };
}
