// Number formats of the official sheet. Fixed locale so output never depends on the machine.

const formatters = new Map<number, Intl.NumberFormat>();

function grouped(value: number, decimals: number): string {
  let f = formatters.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true });
    formatters.set(decimals, f);
  }
  return f.format(value);
}

/** 千円 amounts: `26,499`. */
export const formatAmount = (value: number): string => grouped(value, 0);
/** 従事割合 and 時間外勤務: `1.50`, `400.00`. */
export const formatTwoDecimals = (value: number): string => grouped(value, 2);
/** Indicator values: `5,500.0`. */
export const formatIndicator = (value: number): string => grouped(value, 1);
/** Project numbers: `087`. */
export const formatNumber = (value: number): string => String(value).padStart(3, '0');
