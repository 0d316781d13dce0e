// Copies of the package and the resident processes that tests and benches start: made, found and ended here.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * A copy of the package in `root` — dist/ (without its snapshot), templates, fonts, package.json, the schemas — its
 * libraries shared by a link; `root`/dist/build/build-snapshot.js then makes it a snapshot of its own.
 */
export function copyPackage(root: string): void {
  for (const dir of ['dist', 'templates', 'fonts']) cpSync(join(ROOT, dir), join(root, dir), { recursive: true, filter: (src) => !/sheetbook\.snapshot\./.test(src) });
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'src', 'model'), { recursive: true });
  cpSync(join(ROOT, 'src', 'model'), join(root, 'src', 'model'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
}

/** The socket folder of the residents started with TMPDIR=`tmp`. */
export function residentDir(tmp: string): string {
  return join(tmp, `sheetbook-${process.getuid?.() ?? 'user'}`);
}

/** The sockets of the residents started with TMPDIR=`tmp`. */
export function residentSockets(tmp: string): string[] {
  const dir = residentDir(tmp);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sock')).map((f) => join(dir, f)) : [];
}

/** Ask every resident started with TMPDIR=`tmp` to end; resolves when each has closed its connection. */
export async function endResidents(tmp: string): Promise<void> {
  await Promise.all(
    residentSockets(tmp).map(
      (path) =>
        new Promise<void>((resolve) => {
          const socket = connect(path, () => socket.end('{"stop":true}\n'));
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        }),
    ),
  );
}
