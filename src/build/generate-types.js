// Build step, run before tsc: the TypeScript types of a sheet, generated from its JSON Schema, so that the schema
// stays the one description of the form. Plain JavaScript because it must run before anything is compiled.
// The schema's Japanese titles and x-… annotations are for people and the model (src/model/form.ts), not for
// type names, so they are left out of what json-schema-to-typescript sees.
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const MODEL = join(__dirname, '..', 'model');
const BANNER = `// Generated from src/model/sheet.schema.json by json-schema-to-typescript (src/build/generate-types.js).
// Do not edit: change the schema and run \`npm run build\`.`;

/** The schema without titles, examples and annotations: json-schema-to-typescript names a type after its title. */
function typeShape(node) {
  if (Array.isArray(node)) return node.map(typeShape);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'title' || key === 'examples' || key === 'description' || key.startsWith('x-') || key === '$id') continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeShape(v)])) : typeShape(value);
  }
  return out;
}

async function generate() {
  const { compile } = require('json-schema-to-typescript');
  const schema = JSON.parse(readFileSync(join(MODEL, 'sheet.schema.json'), 'utf8'));
  return compile(typeShape(schema), 'Sheet', {
    bannerComment: BANNER,
    additionalProperties: false,
    maxItems: -1,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

module.exports = { generate, OUTPUT: join(MODEL, 'generated', 'sheet.ts') };

if (require.main === module) {
  generate().then(
    (source) => {
      mkdirSync(join(MODEL, 'generated'), { recursive: true });
      writeFileSync(module.exports.OUTPUT, source);
    },
    (error) => {
      console.error(`src/model/sheet.schema.json から型を作れませんでした: ${error.message}`);
      process.exit(1);
    },
  );
}
