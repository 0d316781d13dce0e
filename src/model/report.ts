// How findings are shown to people (one line each) and to other tools (JSON).
import { basename, isAbsolute, relative } from 'node:path';
import type { Finding } from './types';

const SEVERITY_LABEL = { error: 'エラー', warning: '警告' } as const;

// Where paths are named from: the working directory, or for a running server the folder its data folder sits in
// (the latest server's, while several run in one process, as in the tests).
const shownFrom: { dir: string }[] = [];

/**
 * Name files from `dir` (`data/2021/087.yaml`), and a file outside it by its name alone, until the returned function
 * is called: a server's answers never show where its files lie on the machine. Each caller takes back only its own
 * folder, so servers may end in any order.
 */
export function showPathsFrom(dir: string): () => void {
  const entry = { dir };
  shownFrom.push(entry);
  return () => {
    const at = shownFrom.indexOf(entry);
    if (at >= 0) shownFrom.splice(at, 1);
  };
}

export function displayPath(file: string): string {
  const from = shownFrom.at(-1)?.dir;
  const rel = relative(from ?? process.cwd(), file);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return from === undefined ? file : basename(file);
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

