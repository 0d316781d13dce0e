// The layers of sheetbook, lowest first, checked by dependency-cruiser in `npm test` (`npm run depcruise`).
// A module may import from its own layer and the layers below it, never from a layer above it, and no import may
// close a cycle. Folders in no layer (none yet) are not checked, but no layer may import from them.
//
//   model → pdf → pipeline → interchange → batch → publication → commands → cli
//
// pdf is a leaf above the model: the PDF back end, with the glyph and page types (src/pdf/pages.ts). pdfmake's and
// pdfkit's own modules are reached through one adapter, src/pdf/pdfmake.ts, and nowhere else.
// Violations known when a rule was added are listed in .dependency-cruiser-known-violations.json (reported as
// warnings by `--ignore-known`); a new one fails the run. Remove an entry when its import is gone
// (`npx depcruise-baseline src` rewrites the file).

const LAYERS = [
  ['model', '^src/model/'],
  ['pdf', '^src/pdf/'],
  ['pipeline', '^src/pipeline/'],
  ['interchange', '^src/interchange/'],
  ['batch', '^src/batch/'],
  ['publication', '^src/publication/'],
  // The commands, with the editor server that `serve` runs (it creates sheets as `new` does).
  ['commands', '^src/(commands|server)/'],
  // The command line, the bundled program and the build that makes it.
  ['cli', '^src/(cli|cli-main|program|bundled|lazy-modules|worker)\\.ts$|^src/build/'],
];

const anyOf = (patterns) => patterns.map((p) => `(${p})`).join('|');

const layerRules = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `layer-${name}`,
  comment: `${name} may import only from ${LAYERS.slice(0, index + 1)
    .map(([n]) => n)
    .join(', ')} (the layers: ${LAYERS.map(([n]) => n).join(' → ')})`,
  severity: 'error',
  from: { path },
  to: { path: '^src/', pathNot: anyOf(LAYERS.slice(0, index + 1).map(([, p]) => p)) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'an import cycle: the modules in it cannot be understood, tested or loaded one without the other',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pdfmake-through-adapter',
      comment:
        "pdfmake's, pdfkit's and fontkit's modules are used only by src/pdf/pdfmake.ts, which holds every patch of them and pins the versions the patches were written for",
      severity: 'error',
      from: { pathNot: '^src/pdf/pdfmake\\.ts$' },
      to: { path: '^node_modules/(pdfmake|pdfkit|fontkit)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from a layer above is an import against the layers too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
    exclude: { path: '^src/model/generated/' },
  },
};
