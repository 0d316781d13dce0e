// Japanese era names for fiscal years and dates: the one place where 令和 and 平成 arithmetic is done.
// A fiscal year starts in April, so FY2019 is wholly 令和 (令和元年度); a calendar date is 令和 from 1 May 2019.

interface Era {
  name: string;
  initial: string;
  /** The fiscal year (and calendar year) that is year 1 of the era. */
  firstYear: number;
  /** The first calendar date of the era (YYYY-MM-DD). */
  firstDate: string;
}

const ERAS: Era[] = [
  { name: '令和', initial: 'R', firstYear: 2019, firstDate: '2019-05-01' },
  { name: '平成', initial: 'H', firstYear: 1989, firstDate: '1989-01-08' },
];

function eraOf(fiscalYear: number): { era: Era; year: number } {
  const era = ERAS.find((e) => fiscalYear >= e.firstYear) ?? ERAS[ERAS.length - 1];
  return { era, year: fiscalYear - era.firstYear + 1 };
}

/** `令和 3年度`, `令和元年度`, `令和10年度`: the era year right-aligned in two columns, as the official sheet prints it. */
export function eraYearLabel(fiscalYear: number): string {
  const { era, year } = eraOf(fiscalYear);
  const digits = year === 1 ? '元' : String(year).padStart(2, ' ');
  return `${era.name}${digits}年度`;
}

/** `令和3年度`, `令和元年度`: the era year as running text writes it (messages, comments, column headers). */
export function eraYearText(fiscalYear: number): string {
  const { era, year } = eraOf(fiscalYear);
  return `${era.name}${year === 1 ? '元' : year}年度`;
}

/** `R03年度`: the short heading of the indicator table. */
export function eraShortLabel(fiscalYear: number): string {
  const { era, year } = eraOf(fiscalYear);
  return `${era.initial}${String(year).padStart(2, '0')}年度`;
}

/**
 * A fiscal year written as an era year, alone: `令和3`, `令和元年度`, `平成３１年` → its western year (2021, 2019,
 * 2019); undefined for anything else.
 */
export function parseEraYear(text: string): number | undefined {
  const names = ERAS.map((e) => e.name).join('|');
  const match = new RegExp(`^(${names})(元|[0-9０-９]+)(年度?)?$`, 'u').exec(text.trim());
  if (!match) return undefined;
  const year = match[2] === '元' ? 1 : Number(match[2].replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
  return fiscalYearOf(match[1], year);
}

/**
 * A fiscal year as the official sheet prints it in a heading (eraYearLabel: `令和 3年度`, `令和元年度`, with or
 * without the padding space), as a regular expression's source to build patterns with; it has no groups of its own.
 */
export const ERA_YEAR_LABEL = `(?:${ERAS.map((e) => e.name).join('|')})\\s*(?:元|[0-9]{1,2})年度`;

/** The short heading of the indicator table (eraShortLabel: `R03年度`, `H31年度`), as ERA_YEAR_LABEL. */
export const ERA_SHORT_LABEL = `(?:${ERAS.map((e) => e.initial).join('|')})[0-9]{2}年度`;

/** `令和 3年度`, `令和元年度`, `R03年度` → 2021, 2019, 2021: the fiscal year of a printed heading; undefined otherwise. */
export function parseEraYearLabel(text: string): number | undefined {
  if (!new RegExp(`^(?:${ERA_YEAR_LABEL}|${ERA_SHORT_LABEL})$`, 'u').test(text)) return undefined;
  const [, era, year] = /^(\D+?)\s*(元|[0-9]+)年度$/u.exec(text)!;
  return fiscalYearOf(era, year === '元' ? 1 : Number(year));
}

/** 令和3 → 2021, 平成31 → 2019: the western fiscal year of an era year; undefined for an unknown era. */
export function fiscalYearOf(eraName: string, year: number): number | undefined {
  const era = ERAS.find((e) => e.name === eraName || e.initial === eraName.toUpperCase());
  return era ? era.firstYear + year - 1 : undefined;
}

/** 2022-10-01 → 令和4年10月1日. */
export function japaneseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const era = ERAS.find((e) => iso >= e.firstDate) ?? ERAS[ERAS.length - 1];
  const year = y - era.firstYear + 1;
  return `${era.name}${year === 1 ? '元' : year}年${m}月${d}日`;
}

/** The five fiscal years of the cost table: sheet year −2 … +2. */
export function costYears(fiscalYear: number): number[] {
  return [-2, -1, 0, 1, 2].map((d) => fiscalYear + d);
}

/** The six fiscal years of the indicator table: sheet year −2 … +3. */
export function indicatorYears(fiscalYear: number): number[] {
  return [-2, -1, 0, 1, 2, 3].map((d) => fiscalYear + d);
}
