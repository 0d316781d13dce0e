// Is the start-up snapshot still the program on disk? The snapshot holds the compiled sources (dist/) and the
// libraries as they were when `npm run build` made it. It is used only while every one of those files is the very
// file it was made from — same size, times and inode (any write or replacement changes the change time) — and
// while no file was added to dist/; the node that runs it is checked too. Looking costs a few hundred stat calls,
// no reading. (Templates, fonts and the city's data are not part of this: they are read, or checked, at run time.)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` keeps the bundle and the snapshot (dist/snapshot/sheetbook.snapshot.*): not program files. */
export const SNAPSHOT_DIR = join(__dirname);
const SNAPSHOT_FILES = /^sheetbook\.snapshot\./;

export interface Fingerprint {
  node: string;
  files: string[];
  stamps: string;
  /** Every file under dist/, so that a new one is noticed too. */
  distFiles: string;
}

/** A file's identity and state: device, inode, size, times to the nanosecond; 'missing' when there is none. */
export function stamp(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/** The files under `dir`, sorted, as paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      // The snapshot's own files, and the build's record of its inputs (dist/.build-inputs, written after it).
      else if (!SNAPSHOT_FILES.test(entry.name) && !entry.name.startsWith('.')) out.push(path);
    }
  };
  walk(dir);
  return out;
}

export function fingerprint(files: string[], distDir: string): Fingerprint {
  const all = [...new Set([...files, ...listFiles(distDir)])].sort();
  return { node: `${process.version} ${process.execPath}`, files: all, stamps: all.map(stamp).join('\n'), distFiles: listFiles(distDir).join('\n') };
}

/** Undefined when nothing changed; otherwise what changed first (for SHEETBOOK_DEBUG). */
export function staleness(kept: Fingerprint, distDir: string): string | undefined {
  if (kept.node !== `${process.version} ${process.execPath}`) return `node: ${kept.node}`;
  let distFiles: string;
  try {
    distFiles = listFiles(distDir).join('\n');
  } catch {
    return `${distDir} unreadable`;
  }
  if (distFiles !== kept.distFiles) return 'files added to or removed from dist/';
  const stamps = kept.stamps.split('\n');
  for (let i = 0; i < kept.files.length; i++) if (stamp(kept.files[i]) !== stamps[i]) return `changed: ${kept.files[i]}`;
  return undefined;
}
