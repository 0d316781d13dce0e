// The help texts, made from the commands' descriptions (args.ts CommandDescription): a command's own help
// (`sheetbook build --help`) and its entry in `sheetbook --help`. Nothing here knows a command or a flag.
import { EXIT_CODES, type CommandDescription, type FlagSpec, type FlagTable } from './args';

/** Columns a terminal gives a string: two for each full-width (CJK) character, one for the others. */
function columns(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

/** `--year 年度`, `-h, --help` */
function flagName(name: string, spec: FlagSpec): string {
  const flag = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
  return spec.type === 'string' ? `${flag} ${spec.value}` : flag;
}

/** `text（既定）か json` */
function choiceList(spec: FlagSpec): string {
  return spec.choices!.map((choice) => (choice === spec.default ? `${choice}（既定）` : choice)).join(' か ').replace(/） /g, '）');
}

/** What a flag's line of the help says: `西暦の年度（例: 2021）。省くと data/ の最新の年度` */
function flagText(spec: FlagSpec): string {
  let text = spec.description;
  if (spec.choices) text += `: ${choiceList(spec)}`;
  else if (spec.default !== undefined) text += `（既定: ${spec.default}）`;
  else if (spec.example !== undefined) text += `（例: ${spec.example}）`;
  for (const sentence of [spec.absent, spec.note]) if (sentence) text += `。${sentence}`;
  return text;
}

/** The option lines, their descriptions in one column at least two columns right of the widest flag. */
export function optionLines(flags: FlagTable): string[] {
  const names = Object.entries(flags).map(([name, spec]) => flagName(name, spec));
  const column = Math.max(15, ...names.map(columns)) + 2;
  return Object.values(flags).map((spec, i) => `  ${names[i]}${' '.repeat(column - columns(names[i]))}${flagText(spec)}`);
}

/** A flag as the usage line shows it: `[--year 年度]`, `--date 訂正日`, `[--format text|json]`, `[--booklet]`. */
function usageFlag(name: string, spec: FlagSpec): string {
  const value = spec.type === 'boolean' ? '' : ` ${spec.choices ? spec.choices.join('|') : spec.value}`;
  return spec.required ? `--${name}${value}` : `[--${name}${value}]`;
}

/** `sheetbook errata --date 訂正日` (with `all`, the optional flags too): required flags first, -h/--help never. */
function usage(command: CommandDescription, all: boolean): string {
  const flags = Object.entries(command.flags).filter(([name]) => name !== 'help');
  const shown = [...flags.filter(([, spec]) => spec.required), ...(all ? flags.filter(([, spec]) => !spec.required) : [])];
  return ['sheetbook', command.name, command.operands, ...shown.map(([name, spec]) => usageFlag(name, spec))].filter(Boolean).join(' ');
}

/** A command's own help: its usage line, summary and details, its options, its exit codes. */
export function commandHelp(command: CommandDescription): string {
  const about = [command.summary, ...(command.details ?? [])].map((line) => `      ${line}`);
  return [
    `使い方:\n  ${usage(command, true)}\n${about.join('\n')}`,
    `オプション:\n${optionLines(command.flags).join('\n')}`,
    command.exitCodes ?? EXIT_CODES,
  ].join('\n\n');
}

/** A command's entry in `sheetbook --help`: the usage without its optional flags, and the summary. */
export function overviewEntry(command: CommandDescription): string {
  return `  ${usage(command, false)}\n      ${command.summary}`;
}
