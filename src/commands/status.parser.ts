// `sheetbook status`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, parseChoice, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { StatusOptions } from './status.runner';

export const command = describeCommand({
  name: 'status',
  summary: 'その年度のすべてのシートの状況（誤り、書き直しの残り、発行後の変更、保存日時）を一覧にします。',
  details: [
    '番号、事務事業名、部・課、誤りと警告の数、review: と doubts: に残っている項目の数、',
    '最後の発行の記録から変わったか、最後に保存した日時。sheetbook serve の最初の画面と同じ内容です。何も書き換えません。',
  ],
  flags: {
    year: YEAR_FLAG,
    department: { type: 'string', multiple: true, value: '部名…', description: 'その部のシートだけ', example: '総務部', note: 'カンマ区切りか、くり返し指定できます' },
    format: { type: 'string', value: '形式', description: '出力の形式（csv は UTF-8、BOM 付き）', choices: ['text', 'json', 'csv'], default: 'text' },
    data: DATA_FLAG,
  },
  exitCodes: '終了コード: 0 誤りのあるシートがない / 1 誤りのあるシートがある / 2 使い方の誤り',
});

export const help = commandHelp(command);

export function parse(argv: string[]): StatusOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) usageError('status', `status に番号やファイルは指定できません（「${positionals.join(' ')}」）。年度は --year で指定します。`);
  const departments = (values.department ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
  if ((values.department ?? []).length > 0 && departments.length === 0) usageError('status', '--department に部の名前を指定してください。');
  return {
    year: parseYear('status', values.year),
    departments,
    format: parseChoice('status', '--format', values.format, command.flags.format.choices),
    dataDir: values.data,
  };
}
