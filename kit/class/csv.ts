/** A cell of a CSV: text, or a number written as is. */
export type CsvCell = string | number;

/** Characters that make a spreadsheet read a cell as a formula (OWASP's list: = + - @, tab and carriage return). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One cell, RFC 4180: quoted when it holds a comma, a quote or a line break, with quotes doubled. Text that a
 * spreadsheet would run as a formula (a learner's folder named `=HYPERLINK(…)`) is prefixed with `'`, which
 * spreadsheets show as plain text.
 */
export function csvCell(cell: CsvCell): string {
  if (typeof cell === "number") {
    if (!Number.isFinite(cell)) throw new TypeError(`csvCell: a number cell should be finite, got ${String(cell)}`);
    return String(cell);
  }
  const text = formulaStart.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV file: a header and rows, CRLF after every record as RFC 4180 says. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}
