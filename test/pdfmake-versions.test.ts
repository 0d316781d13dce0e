// src/pdf/pdfmake.ts patches pdfmake's and pdfkit's private modules, written against the versions it declares. An
// upgrade must fail here, loudly and naming the adapter, rather than print subtly wrong pages.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFKIT_VERSION, PDFMAKE_VERSION } from '../src/pdf/pdfmake';

/** The installed version of a package, as the program loads it (pdfkit as pdfmake requires it). */
function installedVersion(name: string, from?: string): string {
  const file = require.resolve(`${name}/package.json`, from ? { paths: [from] } : undefined);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

/** What to say when the installed versions are not the declared ones; undefined when they are. */
function mismatch(declared: Record<string, string>, installed: Record<string, string>): string | undefined {
  const differ = Object.keys(declared).filter((name) => declared[name] !== installed[name]);
  if (differ.length === 0) return undefined;
  return (
    `src/pdf/pdfmake.ts (the pdfmake adapter) was written for ${differ.map((n) => `${n} ${declared[n]}`).join(' and ')}, ` +
    `but ${differ.map((n) => `${n} ${installed[n]}`).join(' and ')} is installed. Read every patch in src/pdf/pdfmake.ts ` +
    `against the new version's sources, compare the PDFs of the bundled data before and after, then change the versions it declares.`
  );
}

describe('the pdfmake adapter', () => {
  it('runs on the pdfmake and pdfkit versions its patches were written for', () => {
    const pdfmakeDir = dirname(require.resolve('pdfmake/package.json'));
    const installed = { pdfmake: installedVersion('pdfmake'), pdfkit: installedVersion('pdfkit', pdfmakeDir) };
    const problem = mismatch({ pdfmake: PDFMAKE_VERSION, pdfkit: PDFKIT_VERSION }, installed);
    if (problem) throw new Error(problem);
    // The package pins pdfmake exactly, so that `npm install` cannot move it under the adapter.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies.pdfmake).toBe(PDFMAKE_VERSION);
  });

  it('names the adapter and both versions when they differ', () => {
    const message = mismatch({ pdfmake: '0.3.11', pdfkit: '0.19.1' }, { pdfmake: '0.3.12', pdfkit: '0.19.1' });
    expect(message).toContain('src/pdf/pdfmake.ts');
    expect(message).toContain('pdfmake 0.3.11');
    expect(message).toContain('pdfmake 0.3.12');
    expect(message).not.toContain('pdfkit');
    expect(mismatch({ pdfmake: '0.3.11' }, { pdfmake: '0.3.11' })).toBeUndefined();
  });
});
