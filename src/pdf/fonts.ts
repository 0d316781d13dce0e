// The fonts of fonts/fonts.json, shared by the renderer and the glyph check.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEFAULT_FONTS_DIR = resolve(__dirname, '../../fonts');

export interface FontFace {
  family: string;
  face: 'normal' | 'bold';
  bytes: Buffer;
}

function fontFiles(fontsDir: string): { family: string; face: 'normal' | 'bold'; file: string }[] {
  const families = JSON.parse(readFileSync(resolve(fontsDir, 'fonts.json'), 'utf8')) as Record<string, Record<string, string>>;
  return Object.entries(families).flatMap(([family, files]) => (['normal', 'bold'] as const).map((face) => ({ family, face, file: require.resolve(files[face]) })));
}

/** Read once per run, by the workspace (src/pipeline/sheet.ts). */
export function loadFontFaces(fontsDir: string = DEFAULT_FONTS_DIR): FontFace[] {
  return fontFiles(fontsDir).map(({ family, face, file }) => ({ family, face, bytes: readFileSync(file) }));
}

/**
 * What the fonts of `fontsDir` are, without reading them: fonts.json and, for each font file it names, the file
 * and its status (size, times, inode; any write or replacement changes the change time). Fonts parsed earlier
 * (in the start-up snapshot) are used only while this is the same.
 */
export function fontFilesKey(fontsDir: string = DEFAULT_FONTS_DIR): string {
  return JSON.stringify(
    fontFiles(fontsDir).map(({ family, face, file }) => {
      const s = statSync(file, { bigint: true });
      return [family, face, file, String(s.dev), String(s.ino), String(s.size), String(s.mtimeNs), String(s.ctimeNs)];
    }),
  );
}
