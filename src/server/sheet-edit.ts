// Saving keeps the file a person wrote: the editor's values are written into the file's own YAML, changing only the
// values that changed — comments, key order, the schema line, blank lines and the style of year maps stay.
import { parseDocument } from 'yaml';

/** `text` (a sheet's YAML) with `data` written in; only what differs changes. */
export function editedSheetYaml(text: string, data: Record<string, unknown>): string {
  const doc = parseDocument(text);
  for (const [key, value] of Object.entries(data)) doc.set(key, value);
  return doc.toString({ lineWidth: 0 });
}
