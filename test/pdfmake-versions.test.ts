// src/pdf/pdfmake.ts patches pdfmake's and pdfkit's private modules (and fontkit's font objects, which pdfkit
// brings), written against the versions it declares. An upgrade must fail here, loudly and naming the adapter,
// rather than print subtly wrong pages.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONTKIT_VERSION, PDFKIT_VERSION, PDFMAKE_VERSION } from '../src/pdf/pdfmake';

/** A package as the program loads it (`from`: the folder of the package that requires it): its version and folder. */
function installed(name: string, from?: string): { version: string; dir: string } {
  // From its entry point up to its own package.json (not every package exports `package.json`).
  let dir = dirname(require.resolve(name, from ? { paths: [from] } : undefined));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    if (json.name === name) return { version: json.version, dir };
  }
  throw new Error(`${name} is not installed`);
}

/** What to say when the installed versions are not the declared ones; undefined when they are. */
function mismatch(declared: Record<string, string>, found: Record<string, string>): string | undefined {
  const differ = Object.keys(declared).filter((name) => declared[name] !== found[name]);
  if (differ.length === 0) return undefined;
  return (
    `src/pdf/pdfmake.ts (the pdfmake adapter) was written for ${differ.map((n) => `${n} ${declared[n]}`).join(' and ')}, ` +
    `but ${differ.map((n) => `${n} ${found[n]}`).join(' and ')} ${differ.length > 1 ? 'are' : 'is'} installed. Read every patch in src/pdf/pdfmake.ts ` +
    `(and src/pdf/direct-layout.ts, which copies fontkit's shaping rules) against the new version's sources, ` +
    `compare the PDFs of the bundled data before and after, then change the versions it declares.`
  );
}

describe('the pdfmake adapter', () => {
  it('runs on the pdfmake, pdfkit and fontkit versions its patches were written for', () => {
    const pdfmake = installed('pdfmake');
    const pdfkit = installed('pdfkit', pdfmake.dir);
    const fontkit = installed('fontkit', pdfkit.dir);
    const problem = mismatch(
      { pdfmake: PDFMAKE_VERSION, pdfkit: PDFKIT_VERSION, fontkit: FONTKIT_VERSION },
      { pdfmake: pdfmake.version, pdfkit: pdfkit.version, fontkit: fontkit.version },
    );
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
    expect(message).not.toContain('pdfkit 0.19.1');
    expect(mismatch({ pdfmake: '0.3.11' }, { pdfmake: '0.3.11' })).toBeUndefined();
  });
});
