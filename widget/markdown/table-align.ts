/** Longer lines cannot be a table's delimiter row worth reading (and are not kept). */
const MAX_LINE = 400;
const DELIMITER_ROW = /^\s*\|?(\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?\s*$/;
const ALIGNMENTS: Record<string, string> = { '::': 'center', '-:': 'right', ':-': 'left' };

/**
 * The parser drops a table's delimiter row (`|---|---:|`) without telling the
 * renderer how its columns are aligned, so the raw text is read here, line
 * by line as it streams, each character once. `split` cuts a piece of text
 * just after every delimiter row, so that the caller can align that table
 * before the parser writes its body.
 */
export class TableAlignReader {
  /** The unfinished last line, or `undefined` once it is too long to matter. */
  private line: string | undefined = '';

  /** The pieces of `text`; a piece that ends with a delimiter row comes with its columns' alignments. */
  split(text: string): { text: string; align?: string[] }[] {
    const pieces: { text: string; align?: string[] }[] = [];
    let start = 0;
    let lineStart = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', end + 1)) {
      const line = this.line === undefined ? undefined : this.line + text.slice(lineStart, end);
      this.line = '';
      lineStart = end + 1;
      if (line && line.length < MAX_LINE && line.includes('|') && DELIMITER_ROW.test(line)) {
        pieces.push({ text: text.slice(start, end + 1), align: alignments(line) });
        start = end + 1;
      }
    }
    if (start < text.length) pieces.push({ text: text.slice(start) });
    const last = this.line === undefined ? undefined : this.line + text.slice(lineStart);
    this.line = last !== undefined && last.length < MAX_LINE ? last : undefined;
    return pieces;
  }
}

function alignments(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => {
      const spec = cell.trim();
      return ALIGNMENTS[`${spec[0] === ':' ? ':' : '-'}${spec.at(-1) === ':' ? ':' : '-'}`] ?? '';
    });
}

/** The alignment of each column of the tables being written, as `align-*` class names ('' for none). */
const columns = new WeakMap<HTMLTableElement, string[]>();

/**
 * Aligns the cells of the table the parser is writing (the last one in `root`):
 * those already there, and (through `columnClass`) those the renderer adds.
 */
export function alignLastTable(root: HTMLElement, align: string[]): void {
  const tables = root.getElementsByTagName('table');
  const table = tables[tables.length - 1];
  if (!table || !align.some(Boolean)) return;
  columns.set(
    table,
    align.map((side) => (side ? `align-${side}` : '')),
  );
  for (const row of table.rows) {
    for (const cell of row.cells)
      if (columnClass(table, cell.cellIndex)) cell.className = columnClass(table, cell.cellIndex);
  }
}

/** The class that aligns column `index` of `table` ('' when it has none). */
export function columnClass(table: HTMLTableElement | null, index: number): string {
  return (table && columns.get(table)?.[index]) || '';
}
