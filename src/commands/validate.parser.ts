// `sheetbook validate`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ValidateOptions } from './validate.runner';

const FLAGS = { year: YEAR_FLAG, data: DATA_FLAG, format: { type: 'string', example: 'json' }, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook validate [ファイルまたはフォルダ…] [--year 年度] [--data フォルダ] [--format text|json]
      シートを検査し、すべての誤りを「ファイル:行:桁 重大度 項目 › 項目: 説明」の形で一覧にします。
      何も書き換えません。指定がなければ --data のすべての年度を検査します。
      --year を付けると、その年度のシートだけを検査します（ファイルやフォルダの指定とは一緒に使えません）。`,
  [
    '  --year 年度      検査する年度（例: 2021）。省くと --data のすべての年度',
    HELP_LINES.data,
    '  --format 形式    出力の形式: text（既定）か json',
  ],
);

export function parse(argv: string[]): ValidateOptions {
  const { values, positionals } = parseCommandArgs('validate', argv, FLAGS);
  const year = parseYear('validate', values.year);
  if (year !== undefined && positionals.length > 0) {
    usageError('validate', `validate では、ファイルやフォルダ（「${positionals.join(' ')}」）と --year を一緒に指定できません。どちらか一方にしてください。`);
  }
  return {
    paths: positionals,
    year,
    dataDir: values.data ?? 'data',
    format: parseChoice('validate', '--format', values.format, ['text', 'json'] as const),
  };
}
