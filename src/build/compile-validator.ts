// Build step (npm ci / npm run build): turn the schemas — the sheet's, the city's data files' and
// templates/layout.yaml's — into standalone validation modules, so that no run pays for compiling a schema
// (about 60 ms of every cold start for the sheet's alone).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { _ } from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import { createAjv } from '../pipeline/ajv';
import { DATA_FILE_SCHEMAS } from '../pipeline/data-file';
import { SHEET_SCHEMA, type SchemaNode } from '../model/schema';

// The precompiled modules take their formats (a date that exists…) from the compiled src/model/formats.ts.
const schemas: Record<string, SchemaNode> = { sheet: SHEET_SCHEMA, ...DATA_FILE_SCHEMAS };
for (const [name, schema] of Object.entries(schemas)) {
  const ajv = createAjv({ code: { source: true, formats: _`require("../model/formats").FORMATS` } });
  const validate = ajv.compile(schema);
  writeFileSync(join(__dirname, `${name}-validator.js`), standaloneCode(ajv, validate));
}
// Each by a literal require, so that the bundler can follow them (src/build/bundle.ts).
const index = Object.keys(schemas).map((name) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(`./${name}-validator`)}),`);
writeFileSync(join(__dirname, 'validators.js'), `module.exports = {\n${index.join('\n')}\n};\n`);
