// How findings are shown to people (one line each) and to other tools (JSON).
import { basename, isAbsolute, relative } from 'node:path';
import type { Finding } from './types';

const SEVERITY_LABEL = { error: 'エラー', warning: '警告' } as const;

// Where paths are named from: the working directory, or for a server the folder its data folder sits in.
let shownFrom: string | undefined;

/**
 * Name files from `dir` from now on (`data/2021/087.yaml`), and a file outside it by its name alone: a server's
 * answers never show where its files lie on the machine. Undefined: from the working directory again. Gives the
 * folder they were named from until now.
 */
export function showPathsFrom(dir: string | undefined): string | undefined {
  const before = shownFrom;
  shownFrom = dir;
  return before;
}

export function displayPath(file: string): string {
  const rel = relative(shownFrom ?? process.cwd(), file);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return shownFrom === undefined ? file : basename(file);
}

/** `data/2021/087.yaml:41:9 エラー コストの推移 › 決算額 › 令和2年度: 数値を入力してください…` */
export function formatFinding(f: Finding): string {
  const where = `${displayPath(f.file)}:${f.line}:${f.column}`;
  const labels = f.labels.length > 0 ? ` ${f.labels.join(' › ')}:` : '';
  return `${where} ${SEVERITY_LABEL[f.severity]}${labels} ${f.message}`;
}

export function findingsAsJson(findings: Finding[]): string {
  return JSON.stringify(
    findings.map((f) => ({ ...f, file: displayPath(f.file) })),
    null,
    2,
  );
}

