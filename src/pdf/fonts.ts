// The fonts of fonts/fonts.json, shared by the renderer and the glyph check.
import { readFileSync } from 'node:fs';
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
