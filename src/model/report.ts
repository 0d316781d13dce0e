// How findings are shown to people (one line each) and to other tools (JSON).
import { relative } from 'node:path';
import type { Finding } from './types';

const SEVERITY_LABEL = { error: 'エラー', warning: '警告' } as const;

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
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

