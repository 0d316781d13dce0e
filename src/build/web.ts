// Build step (npm ci / npm run build), after the bundle: the browser editor of `sheetbook serve`, into dist/web/.
//
//   1. src/web/ is type-checked against the browser's types (src/web/tsconfig.json; esbuild only strips types);
//   2. esbuild bundles src/web/main.ts into dist/web/app.js (an ES module) and copies index.html and app.css;
//   3. pdf.js for the preview is copied from the pdfjs-dist dependency (its build and its worker), and the sheets'
//      own font (fonts/fonts.json, BIZ UDPGothic) for the page's text, so that the page needs nothing from the
//      network and reads as the printed sheet does on any machine.
//
// Everything is written to a folder beside dist/web and renamed into place, so a failed build leaves no half editor.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIST = resolve(__dirname, '..');
const ROOT = resolve(DIST, '..');
const SOURCE = join(ROOT, 'src', 'web');
const OUT = join(DIST, 'web');

/** The files of dist/web the server serves, besides the bundle. */
export const WEB_FILES = ['index.html', 'app.js', 'app.css', 'pdf.min.mjs', 'pdf.worker.min.mjs', 'font-normal.ttf', 'font-bold.ttf'] as const;

async function main(): Promise<void> {
  const staging = `${OUT}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', join(SOURCE, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
    const esbuild = require('esbuild') as typeof import('esbuild');
    await esbuild.build({
      entryPoints: [join(SOURCE, 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      // pdf.js is loaded as its own module, when the first preview is drawn.
      external: ['./pdf.min.mjs'],
      outfile: join(staging, 'app.js'),
      logLevel: 'error',
      legalComments: 'none',
    });
    copyFileSync(join(SOURCE, 'index.html'), join(staging, 'index.html'));
    copyFileSync(join(SOURCE, 'app.css'), join(staging, 'app.css'));
    const pdfjs = join(require.resolve('pdfjs-dist/package.json', { paths: [ROOT] }), '..', 'build');
    copyFileSync(join(pdfjs, 'pdf.min.mjs'), join(staging, 'pdf.min.mjs'));
    copyFileSync(join(pdfjs, 'pdf.worker.min.mjs'), join(staging, 'pdf.worker.min.mjs'));
    // app.css names them font-normal.ttf and font-bold.ttf.
    const family = Object.values(JSON.parse(readFileSync(join(ROOT, 'fonts', 'fonts.json'), 'utf8')) as Record<string, Record<string, string>>)[0];
    for (const face of ['normal', 'bold']) copyFileSync(require.resolve(family[face], { paths: [ROOT] }), join(staging, `font-${face}.ttf`));
    rmSync(OUT, { recursive: true, force: true });
    renameSync(staging, OUT);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    console.error(`ブラウザの編集画面を作れませんでした: ${(error as Error)?.message ?? error}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
