// The machinery the command parsers share: node:util parseArgs in strict mode, one flag table per command (each flag
// described there once: the help is made from it, src/commands/help.ts), and every failure turned into a Japanese
// usage error (exit 2) that names the command and the flags it takes.
// Nothing the parser says in English ever reaches the user.
import { parseArgs } from 'node:util';
import { UserError } from '../model/errors';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** What the flag is or does, in Japanese: its line in the help (`シートの YAML があるフォルダ`). */
  description: string;
  /** The name of its value in the help (`フォルダ`); string flags only. */
  value?: string;
  /** The value when the flag is left out: the parser's, and said in the help (`（既定: data）`). */
  default?: string;
  /** The only values it takes: `text|json` in the usage line, the default marked in the help. */
  choices?: readonly string[];
  /** What leaving it out means, when that is not a value (`省くと data/ の最新の年度`). */
  absent?: string;
  /** What this command does with it, said last (`<年度>/<番号>.pdf に書きます`). */
  note?: string;
  /** Shown without brackets, before the other flags of the usage line (the parser says when it is missing). */
  required?: boolean;
  /** An example value: in the help when there is no default, and in the message when the value is missing (`2021` for --year). */
  example?: string;
}

export type FlagTable = Record<string, FlagSpec>;

/**
 * Everything a command's help says, in one place: the help (`sheetbook build --help`) and the command's entry in
 * `sheetbook --help` are made from it (src/commands/help.ts), and the parser reads the same flag table.
 */
export interface CommandDescription<T extends FlagTable = FlagTable> {
  name: string;
  /** What the usage line shows between the command and its flags (`[番号…]`, `元の年度 先の年度`). */
  operands?: string;
  /** One sentence: the command's line in `sheetbook --help`, and the first of its own help. */
  summary: string;
  /** The rest of its own help, line by line. */
  details?: readonly string[];
  /** Its flags; -h/--help is added to every command's. */
  flags: T;
  /** Its exit codes, when they are not those of most commands (EXIT_CODES). */
  exitCodes?: string;
}

/** What every command's parser module exports; `cli.ts` loads it before (and without) the runner. */
export interface CommandParser<Options> {
  /** What the command's help is made from. */
  command: CommandDescription;
  /** The command's own help text (Japanese). */
  help: string;
  /** argv after the command name → the runner's options. Throws a usage error (UserError, exit 2). */
  parse(argv: string[]): Options;
}

/** What every command's runner module exports: runs the command and gives its exit code (0 or 1). */
export interface CommandRunner<Options> {
  /** `stop` is aborted by Ctrl+C, for a command that runs until stopped; other commands ignore it. */
  main(options: Options, stop: AbortSignal): Promise<number>;
  /**
   * True for a command that runs until stopped (watch): Ctrl+C aborts `stop` instead of ending the program, and the
   * command ends on its own. A second Ctrl+C ends the program at once.
   */
  runsUntilStopped?: boolean;
}

export const HELP_FLAG = { type: 'boolean', short: 'h', description: 'この説明を表示します' } as const satisfies FlagSpec;

export const EXIT_CODES = '終了コード: 0 成功 / 1 シートに誤りがある / 2 使い方の誤り';

/** A command's description, with -h/--help added to its flags. */
export function describeCommand<const T extends FlagTable>(command: CommandDescription<T>): CommandDescription<T & { help: typeof HELP_FLAG }> {
  return { ...command, flags: { ...command.flags, help: HELP_FLAG } };
}

type Value<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string;
/** Flags with a default always have a value. */
type Values<T extends FlagTable> = { [K in keyof T as T[K] extends { default: string } ? K : never]: Value<T[K]> } & {
  [K in keyof T as T[K] extends { default: string } ? never : K]?: Value<T[K]>;
};

export interface ParsedArgs<T extends FlagTable> {
  values: Values<T>;
  positionals: string[];
}

/** Throw the usage error of a command: the message, then where to read how the command is used. */
export function usageError(command: string, message: string): never {
  throw new UserError(`${message}\n「sheetbook ${command} --help」で使い方を確認してください。`, 2);
}

/** `--year, --data, --out, -h/--help` */
export function flagList(flags: FlagTable): string {
  return Object.entries(flags)
    .map(([name, spec]) => (spec.short ? `-${spec.short}/--${name}` : `--${name}`))
    .join(', ');
}

/** True when the arguments ask for help (-h or --help before any `--`): help wins over every other mistake. */
export function wantsHelp(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/**
 * Parse a command's arguments against its own flag table. Positionals are handed back for the command to
 * judge (some take numbers, some paths, some none).
 */
export function parseCommandArgs<T extends FlagTable>({ name: command, flags }: CommandDescription<T>, argv: string[]): ParsedArgs<T> {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [
      name,
      { type: spec.type, multiple: spec.multiple ?? false, ...(spec.short ? { short: spec.short } : {}), ...(spec.default !== undefined ? { default: spec.default } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as Values<T>, positionals };
  } catch (error) {
    // A mistake in the flag table is the program's, not the user's.
    if (!String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) throw error;
    // parseArgs explains itself in English: find the culprit ourselves and say it in Japanese.
    explainFailure(command, argv, flags);
  }
}

function explainFailure(command: string, argv: string[], flags: FlagTable): never {
  const available = `${command} で使えるオプション: ${flagList(flags)}`;
  let tokens;
  try {
    tokens = parseArgs({ args: argv, options: {}, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch {
    usageError(command, `オプションが正しくありません。${available}`);
  }
  const byShort = new Map(Object.entries(flags).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'option-terminator') break;
    if (token.kind !== 'option') continue;
    // Without a table every option looks like a switch: read its value the way the strict parse would.
    const name = token.rawName.startsWith('--') ? token.name : byShort.get(token.name);
    const spec = name === undefined ? undefined : flags[name];
    if (!spec) usageError(command, `${command} では ${token.rawName} は使えません。${available}`);
    const shown = `--${name}`;
    if (spec.type === 'boolean') {
      if (token.inlineValue) usageError(command, `${shown} に値は付けられません（「${token.rawName}=${token.value}」）。${available}`);
      continue;
    }
    if (token.inlineValue) {
      if (token.value === '') usageError(command, missingValue(shown, spec));
      continue;
    }
    const next = tokens[i + 1];
    // The value is the next argument, unless there is none or it looks like another option.
    if (!next || next.kind !== 'positional' || next.index !== token.index + 1) usageError(command, missingValue(shown, spec));
    i++;
  }
  usageError(command, `オプションが正しくありません。${available}`);
}

function missingValue(flag: string, spec: FlagSpec): string {
  const example = spec.example ?? spec.default;
  return `${flag} には値を指定してください${example ? `（例: ${flag} ${example}）` : ''}。「-」で始まる値は ${flag}=値 の形で書きます。`;
}

// ---- values shared by several commands -------------------------------------------------------------------------

/** `--year 2021` → 2021 (a fiscal year in the Western calendar). */
export function parseYear(command: string, value: string | undefined, what = '--year'): number | undefined {
  if (value === undefined) return undefined;
  const subject = what.startsWith('-') ? ` ${what} ` : what;
  if (!/^[0-9]{4}$/.test(value)) usageError(command, `${command} の${subject}には西暦 4 桁の年度を指定してください（「${value}」）。`);
  return Number(value);
}

/** Project numbers as typed (`087`, `89`) → numbers. */
export function parseNumbers(command: string, values: string[]): number[] {
  return values.map((v) => {
    if (!/^[0-9]{1,4}$/.test(v)) usageError(command, `シート番号は数字で指定してください（「${v}」）。`);
    return Number(v);
  });
}

/** One of a flag's few allowed values (`--format csv|json`), or the first one when it is absent. */
export function parseChoice<C extends string>(command: string, flag: string, value: string | undefined, choices: readonly C[]): C {
  if (value === undefined) return choices[0];
  if (!(choices as readonly string[]).includes(value)) {
    usageError(command, `${command} の ${flag} には ${choices.join(' か ')} を指定してください（「${value}」）。`);
  }
  return value as C;
}

// ---- flags shared by several commands, described once ------------------------------------------------------------

export const YEAR_FLAG = { type: 'string', value: '年度', description: '西暦の年度', example: '2021', absent: '省くと data/ の最新の年度' } as const satisfies FlagSpec;
export const DATA_FLAG = { type: 'string', value: 'フォルダ', description: 'シートの YAML があるフォルダ', default: 'data' } as const satisfies FlagSpec;
export const OUT_FLAG = { type: 'string', value: 'フォルダ', description: '書き出すフォルダ', default: 'output' } as const satisfies FlagSpec;
