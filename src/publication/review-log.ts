// The year's history: data/<year>/history.jsonl, beside the sheets. One JSON object a line, appended and never
// rewritten: every save (who, when, which fields from what to what), every step of the review flow with its comment,
// every refusal of a logged-in account. The flow's states follow from it (src/model/review-flow.ts), so there is one
// file to keep, diff and back up, and no second store that could disagree with it.
//
// Why a log and not a small YAML of states: an append is one write of one line, so a crash can tear at most the
// last line (skipped when read; the next append starts a fresh line), two appends never lose one another, and
// nothing already written is ever written again. A state file would be rewritten on every step and would still need
// the history beside it.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { flowsOf, INITIAL_FLOW, usesFlow, type HistoryEvent, type SheetFlow } from '../model/review-flow';
import { appendRecord } from '../pipeline/write';

export const HISTORY_FILE = 'history.jsonl';

export const historyPath = (dataDir: string, year: number): string => join(dataDir, String(year), HISTORY_FILE);

export interface History {
  events: HistoryEvent[];
  /** Lines that are not a whole event (a line torn by a kill during a write): skipped. */
  damaged: number;
}

/** One line as an event, or undefined when it is not one (torn, or written by hand wrongly). */
function parseLine(line: string): HistoryEvent | undefined {
  try {
    const value = JSON.parse(line) as HistoryEvent;
    if (value && typeof value === 'object' && typeof value.event === 'string' && typeof value.sheet === 'string' && typeof value.at === 'string' && value.by) return value;
  } catch {
    // torn or not JSON
  }
  return undefined;
}

/** The lines of `bytes` that end in `\n`; the rest (a line being written, or torn) is left for the next read. */
function readLines(bytes: Buffer, into: History): number {
  let start = 0;
  for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start)) {
    const line = bytes.subarray(start, end).toString('utf8').trim();
    if (line !== '') {
      const event = parseLine(line);
      if (event) into.events.push(event);
      else into.damaged++;
    }
    start = end + 1;
  }
  return start;
}

function readFrom(file: string, offset: number): { bytes: Buffer; fileSize: number; ino: number } | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    const bytes = Buffer.alloc(Math.max(0, stat.size - offset));
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), fileSize: stat.size, ino: stat.ino };
  } finally {
    closeSync(fd);
  }
}

/** Every event of a year, in the order written. A last line without its `\n` is counted as damaged. */
export function readHistory(dataDir: string, year: number): History {
  const history: History = { events: [], damaged: 0 };
  const read = readFrom(historyPath(dataDir, year), 0);
  if (!read) return history;
  const used = readLines(read.bytes, history);
  if (read.bytes.subarray(used).toString('utf8').trim() !== '') history.damaged++;
  return history;
}

/** Append one event, flushed to the disk before this returns (throws a WriteFailure). */
export function appendEvent(dataDir: string, year: number, event: HistoryEvent): void {
  appendRecord(historyPath(dataDir, year), `${JSON.stringify(event)}\n`);
}

/** A year's review states, for the commands (status, publish): by sheet key (`087`). */
export interface YearFlow {
  /** Whether any sheet of the year has been submitted: only then does publish ask for every sheet to be 確認済. */
  inUse: boolean;
  /** Lines of the history that are not a whole event (skipped). */
  damaged: number;
  flowOf(key: string): SheetFlow;
}

export function yearFlow(history: History): YearFlow {
  const flows = flowsOf(history.events);
  return { inUse: usesFlow(history.events), damaged: history.damaged, flowOf: (key) => flows.get(key) ?? INITIAL_FLOW };
}

export const readYearFlow = (dataDir: string, year: number): YearFlow => yearFlow(readHistory(dataDir, year));

/**
 * The history as the server keeps it: each year's events read once and then only what was appended since (by this
 * server or anyone else), so a save does not read the whole file again. A file replaced or cut short is read anew.
 */
export class HistoryCache {
  private readonly years = new Map<number, { ino: number; offset: number; history: History }>();

  constructor(private readonly dataDir: string) {}

  read(year: number): History {
    const known = this.years.get(year);
    const file = historyPath(this.dataDir, year);
    const read = readFrom(file, known?.offset ?? 0);
    if (!read) {
      this.years.delete(year);
      return { events: [], damaged: 0 };
    }
    if (known && (read.ino !== known.ino || read.fileSize < known.offset)) {
      this.years.delete(year);
      return this.read(year);
    }
    const history = known?.history ?? { events: [], damaged: 0 };
    const used = readLines(read.bytes, history);
    this.years.set(year, { ino: read.ino, offset: (known?.offset ?? 0) + used, history });
    return history;
  }

  append(year: number, event: HistoryEvent): void {
    appendEvent(this.dataDir, year, event);
  }
}
