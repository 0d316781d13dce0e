// Which fields a save changed, from what to what: the history's record of a save. Values are compared as the YAML
// reads them; each change is named by its schema path and its Japanese labels (the schema's titles, as findings are).
// A part added or removed as a whole (an indicator, a `review:` list) is one change with the whole part.
import type { FieldChange } from './review-flow';
import { labelsFor } from './schema';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sheetChanges(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: (string | number)[]): void => {
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
      for (const key of keys) walk(a[key], b[key], [...path, key]);
    } else if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...path, i]);
    } else if (!same(a, b)) {
      changes.push({ path, labels: labelsFor(path), old: a ?? null, new: b ?? null });
    }
  };
  walk(before, after, []);
  return changes;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return a === b || (a ?? null) === (b ?? null);
  return JSON.stringify(a) === JSON.stringify(b);
}
