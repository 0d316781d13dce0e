// The one Ajv configuration, shared by runtime validation and the build step that precompiles it.
// Ajv itself is loaded only when a schema is compiled: normal runs use the precompiled validators.
import type Ajv2020 from 'ajv/dist/2020';
import type { Options } from 'ajv/dist/2020';
import { ANNOTATIONS } from '../model/form';
import { FORMATS } from '../model/formats';

export function createAjv(extra: Options = {}): Ajv2020 {
  const Ajv = (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
  const ajv = new Ajv({ allErrors: true, strict: true, multipleOfPrecision: 9, allowUnionTypes: true, ...extra });
  // The schema's own annotations: facts about the form, not rules for the validator.
  ajv.addVocabulary(Object.keys(ANNOTATIONS));
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  return ajv;
}
