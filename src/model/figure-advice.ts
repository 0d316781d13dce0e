// What a figure typed as text was probably meant to be, and how to write it: `"24,857"` → 24857, `2万4857` → 24857,
// and, in a field counted in 千円, an amount written in 円 converted — never rounded, never 1,000 times off.

const FULL_WIDTH = /[０-９．，－]/g;
const toHalfWidth = (s: string) => s.replace(FULL_WIDTH, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** The unit a figure field counts in, from its title: `金額（千円）` → `千円`, `正職員 1 人・1 年あたりの人件費（千円）` → `千円`. */
export function unitOf(title: unknown): string | undefined {
  return typeof title === 'string' ? /（([^（）]+)）$/.exec(title)?.[1] : undefined;
}

/** Yen per unit, for the amounts a person may write a money figure in. */
const YEN: Record<string, number> = { 円: 1, 千円: 1000, 万円: 10000, 億円: 100000000 };
const OTHER_UNITS = /(人|時間|件|点|回|台|%|％|pt)$/;
const PLAIN = '[0-9][0-9,]*(?:\\.[0-9]+)?';
/** `1億2000万`, `2万4857`, `24,857.5`: at least one part. */
const JAPANESE_NUMBER = new RegExp(`^(-)?(?:(${PLAIN})億)?(?:(${PLAIN})万)?(${PLAIN})?$`);

/** A decimal written out in full (24.857, not 24.857000000000003). */
const decimal = (n: number) => String(Number(n.toPrecision(12)));
const grouped = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 12 });

/**
 * How to write `typed` as a figure of a field counted in `unit`, as a clause ending in 「…と書いてください」;
 * '' when `typed` is not a figure at all. A bare figure (only quoted) is told to lose its quotes.
 */
export function figureAdvice(typed: string, unit?: string): string {
  const trimmed = typed.trim();
  const half = toHalfWidth(trimmed);
  const written = /(千円|万円|億円|円)$/.exec(half)?.[1];
  const other = written ? undefined : OTHER_UNITS.exec(half)?.[1];
  const body = half.slice(0, half.length - (written ?? other ?? '').length).trim();
  const m = JAPANESE_NUMBER.exec(body);
  if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined)) return '';
  const part = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(/,/g, '')));
  const parts = [m[2], m[3], m[4]];
  if (parts.some((p) => p !== undefined && !Number.isFinite(part(p)))) return '';
  const sign = m[1] ? -1 : 1;
  const amount = sign * (part(m[2]) * 1e8 + part(m[3]) * 1e4 + part(m[4]));
  const kanji = m[2] !== undefined || m[3] !== undefined;
  const comma = /,/.test(body);

  if (written && unit === '千円' && written !== '千円') {
    // A money figure in another unit than the field's: converted to 千円, exactly.
    const thousands = (amount * YEN[written]) / 1000;
    const asWritten = `「${trimmed}」は ${decimal(thousands)} 千円`;
    if (Number.isInteger(thousands)) return `この欄は千円単位です。${asWritten}なので、${decimal(thousands)} と書いてください`;
    return `この欄は千円単位です。${asWritten}で、千円未満は書けません。${grouped(amount)} 千円のつもりなら ${decimal(amount)} と書いてください`;
  }
  const changes = [
    half !== trimmed && '半角数字で',
    kanji && `${[m[2] !== undefined && '「億」', m[3] !== undefined && '「万」'].filter(Boolean).join('')}を使わずに`,
    comma && (written || other) ? 'カンマや単位を付けずに' : comma ? 'カンマを付けずに' : written || other ? '単位を付けずに' : '',
  ].filter(Boolean);
  return `${changes.length > 0 ? changes.join('、') : '引用符を付けずに'} ${decimal(amount)} と書いてください`;
}
