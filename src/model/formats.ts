// String formats the data files' schemas use, for Ajv (at run time and in the precompiled validators).

/**
 * `date`: a day that exists in the calendar (2022-02-30 does not). Only the day is checked here: a string not
 * shaped YYYY-MM-DD is left to the schema's `pattern`, so that a mistake is reported once.
 */
function date(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** In Ajv's format-definition shape: the precompiled validators call `FORMATS.date.validate`. */
export const FORMATS = { date: { type: 'string' as const, validate: date } };
