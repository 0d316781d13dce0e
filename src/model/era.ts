// Japanese fiscal-year names. A fiscal year starts in April, so FY2019 is wholly 令和 (令和元年度).

interface Era {
  name: string;
  initial: string;
  firstYear: number;
}

const ERAS: Era[] = [
  { name: '令和', initial: 'R', firstYear: 2019 },
  { name: '平成', initial: 'H', firstYear: 1989 },
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

/** `R03年度`: the short heading of the indicator table. */
export function eraShortLabel(fiscalYear: number): string {
  const { era, year } = eraOf(fiscalYear);
  return `${era.initial}${String(year).padStart(2, '0')}年度`;
}

/** The five fiscal years of the cost table: sheet year −2 … +2. */
export function costYears(fiscalYear: number): number[] {
  return [-2, -1, 0, 1, 2].map((d) => fiscalYear + d);
}

/** The six fiscal years of the indicator table: sheet year −2 … +3. */
export function indicatorYears(fiscalYear: number): number[] {
  return [-2, -1, 0, 1, 2, 3].map((d) => fiscalYear + d);
}
