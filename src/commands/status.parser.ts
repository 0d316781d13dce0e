// `sheetbook status`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { StatusOptions } from './status.runner';

const FLAGS = { year: YEAR_FLAG, department: { type: 'string', multiple: true, example: '総務部' }, format: { type: 'string', example: 'json' }, data: DATA_FLAG, help: HELP_FLAG } as const;

export const help = commandHelp(
  `使い方:
  sheetbook status [--year 年度] [--department 部名] [--format text|json|csv] [--data フォルダ]
      その年度のすべてのシートの状況を一覧にします: 番号、事務事業名、部・課、誤りと警告の数、
      review: と doubts: に残っている項目の数、最後の発行の記録から変わったか、最後に保存した日時。
      sheetbook serve の最初の画面と同じ内容です。何も書き換えません。`,
  [
    HELP_LINES.year,
    '  --department 部  その部のシートだけ（カンマ区切りか、くり返し指定）',
    '  --format 形式    出力の形式: text（既定）、json、csv（UTF-8、BOM 付き）',
    HELP_LINES.data,
  ],
  '終了コード: 0 誤りのあるシートがない / 1 誤りのあるシートがある / 2 使い方の誤り',
);

export function parse(argv: string[]): StatusOptions {
  const { values, positionals } = parseCommandArgs('status', argv, FLAGS);
  if (positionals.length > 0) usageError('status', `status に番号やファイルは指定できません（「${positionals.join(' ')}」）。年度は --year で指定します。`);
  const departments = (values.department ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
  if ((values.department ?? []).length > 0 && departments.length === 0) usageError('status', '--department に部の名前を指定してください。');
  return {
    year: parseYear('status', values.year),
    departments,
    format: parseChoice('status', '--format', values.format, ['text', 'json', 'csv'] as const),
    dataDir: values.data ?? 'data',
  };
}
