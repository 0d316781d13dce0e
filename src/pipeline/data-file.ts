// The files the program reads besides the sheets — data/city.yaml, data/personnel-rates.yaml,
// data/evaluation-sentences.yaml and templates/layout.yaml — loaded with positions and checked against their
// schemas (src/model/*.schema.json), with the same Japanese, positioned findings as sheets.
import { existsSync, readFileSync } from 'node:fs';
import citySchema from '../model/city.schema.json';
import evaluationSentencesSchema from '../model/generated/evaluation-sentences.schema.json';
import layoutSchema from '../model/layout.schema.json';
import personnelRatesSchema from '../model/personnel-rates.schema.json';
import usersSchema from '../model/users.schema.json';
import { UserError } from '../model/errors';
import type { SchemaNode } from '../model/schema';
import type { DataPath, Finding } from '../model/types';
import { formatFinding } from '../model/report';
import { hasErrors } from '../model/types';
import { loadYamlFile, type SheetSource } from './load';
import { precompiledValidator, schemaFindings } from './validate';
import { cacheKey, readCachedValue, writeCachedValue } from './yaml-cache';

/** Each kind of file, by the name of its schema (and of its precompiled validator). */
export const DATA_FILE_SCHEMAS = {
  city: citySchema as unknown as SchemaNode,
  'personnel-rates': personnelRatesSchema as unknown as SchemaNode,
  'evaluation-sentences': evaluationSentencesSchema as unknown as SchemaNode,
  layout: layoutSchema as unknown as SchemaNode,
  // Read by pipeline/users.ts alone, never through checkDataFile's cache (the hashes stay in the one file).
  users: usersSchema as unknown as SchemaNode,
};

export type DataFileKind = keyof typeof DATA_FILE_SCHEMAS;

// Bump when what "checked" means changes without a schema changing (src/model/formats.ts, say).
const CHECKS_VERSION = '2';
const fingerprints = new Map<DataFileKind, string>();
const fingerprint = (kind: DataFileKind) =>
  fingerprints.get(kind) ?? fingerprints.set(kind, `${kind}\0${CHECKS_VERSION}\0${JSON.stringify(DATA_FILE_SCHEMAS[kind])}`).get(kind)!;

export interface CheckedFile<T> {
  file: string;
  /**
   * The checked value. With findings, it is what is left of the file once the parts with errors are taken out
   * (`salvage`), so that sheets can still be checked against the rest; otherwise undefined.
   */
  value: T | undefined;
  findings: Finding[];
}

export interface CheckOptions<T> {
  /** The value when the file does not exist (an optional file); without it a missing file is an error. */
  missing?: T;
  /** Keep what is valid in a file with errors (see CheckedFile.value). */
  salvage?: boolean;
}

const at = (file: string, message: string): Finding => ({ file, line: 1, column: 1, severity: 'error', labels: [], message, path: [] });

/** Read `file` and check it against the schema of `kind`. A file seen before, unchanged, is taken from the cache. */
export function checkDataFile<T>(file: string, kind: DataFileKind, options: CheckOptions<T> = {}): CheckedFile<T> {
  if (!existsSync(file)) {
    if (options.missing !== undefined) return { file, value: options.missing, findings: [] };
    return { file, value: undefined, findings: [at(file, 'ファイルが見つかりません。')] };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { file, value: undefined, findings: [at(file, `ファイルを読めません: ${(error as Error).message}`)] };
  }
  const key = cacheKey(fingerprint(kind), bytes);
  const cached = readCachedValue(key);
  if (cached) return { file, value: cached.value as T, findings: [] };

  const source = loadYamlFile(file, bytes, { empty: {}, schema: DATA_FILE_SCHEMAS[kind] });
  if (source.findings.length > 0 || source.data === undefined) {
    return { file, value: options.salvage ? options.missing : undefined, findings: source.findings };
  }
  const schema = DATA_FILE_SCHEMAS[kind];
  const findings = schemaFindings(source, precompiledValidator(kind, schema), schema);
  if (findings.length === 0) {
    writeCachedValue(key, source.data);
    return { file, value: source.data as T, findings };
  }
  return { file, value: options.salvage ? (salvage(source, kind, findings) as T | undefined) ?? options.missing : undefined, findings };
}

/**
 * Take out every part with an error, then the parts that became wrong by that (an entry missing a required
 * key…), until what is left passes the schema. Undefined when nothing is left.
 */
function salvage(source: SheetSource, kind: DataFileKind, findings: Finding[]): unknown {
  const schema = DATA_FILE_SCHEMAS[kind];
  const data = structuredClone(source.data);
  let problems = findings;
  for (let round = 0; round < 20 && problems.length > 0; round++) {
    for (const finding of problems) {
      if (!remove(data, finding.path)) return undefined;
    }
    problems = schemaFindings({ ...source, data }, precompiledValidator(kind, schema), schema);
  }
  return problems.length === 0 ? data : undefined;
}

/** Delete the value at `path` (a whole list when the path points into one); false when that is the whole file. */
function remove(data: unknown, path: DataPath): boolean {
  let end = path.length;
  while (end > 0) {
    const parent = valueAt(data, path.slice(0, end - 1));
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) {
      delete (parent as Record<string, unknown>)[String(path[end - 1])];
      return true;
    }
    end--; // inside a list: take out the list itself
  }
  return false;
}

function valueAt(data: unknown, path: DataPath): unknown {
  let value: any = data;
  for (const step of path) value = value?.[step as any];
  return value;
}

/** Files with errors: what was found, then what to do. Printed instead of doing anything (build, booklet, export…). */
export class DataFileError extends UserError {
  constructor(readonly findings: Finding[]) {
    const errors = findings.filter((f) => f.severity === 'error').length;
    super(
      [
        ...findings.map(formatFinding),
        `データのファイルに誤りが ${errors} 件あるため、何も作りませんでした（前に作ったファイルはそのままです）。上の一覧を直して、もう一度実行してください。`,
      ].join('\n'),
      1,
    );
    this.name = 'DataFileError';
  }
}

/** Throw the findings of checked files as one DataFileError when any of them has errors. */
export function throwOnErrors(findings: Finding[]): void {
  if (hasErrors(findings)) throw new DataFileError(findings);
}
