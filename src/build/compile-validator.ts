// Build step (npm ci / npm run build): turn the sheet schema into a standalone validation module, so that
// no run pays for compiling the schema (about 60 ms of every cold start).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone';
import { createAjv } from '../pipeline/ajv';
import { SHEET_SCHEMA } from '../model/schema';

const ajv = createAjv({ code: { source: true } });
const validate = ajv.compile(SHEET_SCHEMA);
writeFileSync(join(__dirname, 'sheet-validator.js'), standaloneCode(ajv, validate));
