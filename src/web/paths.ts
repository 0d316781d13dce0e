// Values at a path of a sheet's data (['costs', 'settled', '2020'], ['indicators', 0, 'name']).
import type { DataPath } from './types';

type Container = Record<string | number, unknown>;

export const dotted = (path: DataPath): string => path.join('.');

export function getAt(data: unknown, path: DataPath): unknown {
  let node = data;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Container)[step];
  }
  return node;
}

export function hasAt(data: unknown, path: DataPath): boolean {
  const parent = getAt(data, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]);
}

/** Sets the value, making the objects (or, before an index, lists) on the way. */
export function setAt(data: Container, path: DataPath, value: unknown): void {
  let node: Container = data;
  path.slice(0, -1).forEach((step, i) => {
    let next = node[step];
    if (next === null || typeof next !== 'object') {
      next = typeof path[i + 1] === 'number' ? [] : {};
      node[step] = next;
    }
    node = next as Container;
  });
  node[path[path.length - 1]] = value;
}

/** Removes the key; an object left empty by it goes too (a year row with no years is a row not written). */
export function deleteAt(data: Container, path: DataPath): void {
  const parentPath = path.slice(0, -1);
  const parent = getAt(data, parentPath);
  if (parent === null || typeof parent !== 'object') return;
  if (Array.isArray(parent)) return;
  delete (parent as Container)[path[path.length - 1]];
  if (parentPath.length > 0 && Object.keys(parent as object).length === 0) deleteAt(data, parentPath);
}

export const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The values of `data` one by one, each at its path: the leaves, except that a list is one value when `other` (the
 * data it is compared with) has a list of another length there (an indicator added or removed is one change), and
 * so is a record that `other` does not have (a row written or removed).
 */
export function leaves(data: unknown, other: unknown, path: DataPath = [], out = new Map<string, { path: DataPath; value: unknown }>()): Map<string, { path: DataPath; value: unknown }> {
  const otherHere = getAt(other, path);
  // A record the other lacks (a row removed) is one value too.
  const wholeList = (Array.isArray(data) && (!Array.isArray(otherHere) || otherHere.length !== data.length)) || (path.length > 0 && (otherHere === null || typeof otherHere !== 'object'));
  const plainList = Array.isArray(data) && data.every((v) => v === null || typeof v !== 'object');
  if (data !== null && typeof data === 'object' && !wholeList && !plainList) {
    for (const [key, value] of Object.entries(data)) leaves(value, other, [...path, Array.isArray(data) ? Number(key) : key], out);
  } else {
    out.set(dotted(path), { path, value: data });
  }
  return out;
}

/** Where `a` and `b` differ: each path whose value (or absence) is not the same in both. */
export function differences(a: unknown, b: unknown): DataPath[] {
  const seen = new Map<string, DataPath>();
  for (const [key, { path }] of leaves(a, b)) seen.set(key, path);
  for (const [key, { path }] of leaves(b, a)) seen.set(key, path);
  // A list or record taken whole covers its items' paths.
  const isWhole = (v: unknown) => v !== null && typeof v === 'object';
  const whole = [...seen.values()].filter((p) => isWhole(getAt(a, p)) || isWhole(getAt(b, p)));
  return [...seen.values()]
    .filter((p) => !whole.some((w) => w.length < p.length && w.every((s, i) => String(s) === String(p[i]))))
    .filter((p) => !sameValue(getAt(a, p), getAt(b, p)));
}
