export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Column indexes aligned left (the rest are numbers, aligned right). */
  leftColumns?: number[];
}

/** A Markdown pipe table, padded so it also reads well in a terminal. */
export function formatTable(t: Table): string {
  const left = new Set(t.leftColumns ?? [0]);
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length), 3));
  const cell = (s: string, i: number): string => (left.has(i) ? s.padEnd(widths[i]!) : s.padStart(widths[i]!));
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (left.has(i) ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [`**${t.title}**`, '', line(t.columns), rule, ...t.rows.map((r) => line(t.columns.map((_c, i) => r[i] ?? '')))].join('\n');
}

/** A number with `digits` decimals, or "-" when not a finite number. */
export function fmt(n: number | undefined, digits = 0): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

/** Thousands with a thin separator-free style the tables use: 123456 -> "123 456". */
export function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
