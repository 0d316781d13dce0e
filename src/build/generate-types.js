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

/**
 * The schema of data/evaluation-sentences.yaml, generated from the sheet's: one map per evaluation item of the
 * sheet (its key and title), from a score the item takes (the score's bounds) to a standard sentence no longer than
 * the sheet's own sentence may be. Written as JSON text, as it is committed (editors read it through `$schema`).
 */
function evaluationSentencesSchema(sheet = JSON.parse(readFileSync(join(MODEL, 'sheet.schema.json'), 'utf8'))) {
  const item = sheet.$defs.evaluationItem;
  const { minimum, maximum } = item.properties.score;
  const score = {
    pattern: `^[${minimum}-${maximum}]$`,
    title: item.properties.score.title,
    description: `${item.properties.score.title}は ${minimum} から ${maximum} の半角数字で書きます`,
  };
  // Titled by the score, as messages name a sentence: 「市民ニーズ › 点数3」.
  const sentence = { type: 'string', title: item.properties.score.title, minLength: 1, maxLength: item.properties.sentence.maxLength };
  const properties = {};
  for (const [key, entry] of Object.entries(sheet.properties.evaluation.properties)) {
    properties[key] = { type: 'object', title: entry.title, propertyNames: score, additionalProperties: sentence };
  }
  const schema = {
    $comment: 'Generated from src/model/sheet.schema.json by src/build/generate-types.js. Do not edit: change the sheet schema and run `npm run build`.',
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://sheetbook.local/schema/evaluation-sentences.schema.json',
    title: '評価の標準文言（data/evaluation-sentences.yaml）',
    type: 'object',
    additionalProperties: false,
    properties,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * The type of the fields printed in a box of their own (`x-box`, outside lists), nested as in a sheet: what derive
 * places at each field's own path. `B` is a box's text (derive's TextBox, the fit stage's FittedBox).
 */
function boxedFieldsType(sheet = JSON.parse(readFileSync(join(MODEL, 'sheet.schema.json'), 'utf8'))) {
  const members = (node, indent) => {
    const lines = [];
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (child['x-box']) lines.push(`${indent}${key}: B;`);
      else if (child.properties) {
        const inner = members(child, `${indent}  `);
        if (inner.length > 0) lines.push(`${indent}${key}: {`, ...inner, `${indent}};`);
      }
    }
    return lines;
  };
  return `// Generated from src/model/sheet.schema.json by src/build/generate-types.js. Do not edit: change the schema.
/** The fields printed in a box of their own (\`x-box\`, outside lists), at their own paths. */
export interface BoxedFields<B> {
${members(sheet, '  ').join('\n')}
}
`;
}

module.exports = {
  generate,
  boxedFieldsType,
  BOXED_FIELDS_OUTPUT: join(MODEL, 'generated', 'boxed-fields.ts'),
  evaluationSentencesSchema,
  OUTPUT: join(MODEL, 'generated', 'sheet.ts'),
  EVALUATION_SENTENCES_OUTPUT: join(MODEL, 'generated', 'evaluation-sentences.schema.json'),
};

if (require.main === module) {
  generate().then(
    (source) => {
      mkdirSync(join(MODEL, 'generated'), { recursive: true });
      writeFileSync(module.exports.OUTPUT, source);
      writeFileSync(module.exports.EVALUATION_SENTENCES_OUTPUT, evaluationSentencesSchema());
      writeFileSync(module.exports.BOXED_FIELDS_OUTPUT, boxedFieldsType());
    },
    (error) => {
      console.error(`src/model/sheet.schema.json から型を作れませんでした: ${error.message}`);
      process.exit(1);
    },
  );
}
