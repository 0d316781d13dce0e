// Number formats of the official sheet, written out by hand: fixed (never the machine's locale) and cheap
// (Intl.NumberFormat costs ~10 ms to set up in every cold start).

function grouped(value: number, decimals: number): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + withCommas + (fraction ? `.${fraction}` : '');
}

/** 千円 amounts: `26,499`. */
export const formatAmount = (value: number): string => grouped(value, 0);
/** 従事割合 and 時間外勤務: `1.50`, `400.00`. */
export const formatTwoDecimals = (value: number): string => grouped(value, 2);
/** Indicator values: `5,500.0`. */
export const formatIndicator = (value: number): string => grouped(value, 1);
/** Project numbers: `087`. */
export const formatNumber = (value: number): string => String(value).padStart(3, '0');
