// CSV as spreadsheet software on Japanese Windows reads it: UTF-8 with a BOM, CRLF line ends, fields quoted only
// where they hold a quote, a comma or a line break. (Open data has its own: its values are typed.)
const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Rows of text as the bytes of a CSV file, the header row first. */
export function spreadsheetCsv(rows: string[][]): Buffer {
  return Buffer.from(`\ufeff${rows.map((r) => `${r.map(field).join(',')}\r\n`).join('')}`, 'utf8');
}
