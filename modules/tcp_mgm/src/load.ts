import type { SqlDb, SqlValue } from '@tsips/db_sqlite';
import { COLUMNS, TABLE_VERSION, type ColumnNames } from './columns.js';
import { parseRule, type Rule, type RuleContext } from './rule.js';
import { RuleSet } from './rules.js';

export interface SkippedRow {
  /** the row's id column as stored (may itself be the problem) */
  id: SqlValue;
  reason: string;
}

export interface LoadResult {
  rules: RuleSet;
  skipped: SkippedRow[];
}

/**
 * Read the whole table (tcp_mgm.md §2, §5): check its version in the `version` table, select
 * every column by its configured name, validate each row (invalid rows are reported, not
 * fatal) and sort. Throws when the table cannot be read at all.
 */
export async function loadRules(db: SqlDb, table: string, cols: ColumnNames, ctx: RuleContext): Promise<LoadResult> {
  const ver = await db.query('SELECT table_version FROM version WHERE table_name = ?', [table]);
  if (ver.length === 0) throw new Error(`table "${table}" has no row in the version table (create it with the tcp_mgm schema script)`);
  const v = Number(ver[0]!.table_version);
  if (v !== TABLE_VERSION) throw new Error(`table "${table}" has version ${String(ver[0]!.table_version)}, expected ${TABLE_VERSION}`);

  const q = (name: string): string => db.quoteIdent(name);
  const rows = await db.query(`SELECT ${COLUMNS.map((c) => q(cols[c])).join(', ')} FROM ${q(table)} ORDER BY ${q(cols.id)}`);
  const rules: Rule[] = [];
  const skipped: SkippedRow[] = [];
  for (const row of rows) {
    const r = parseRule(row, cols, ctx);
    if ('rule' in r) rules.push(r.rule);
    else skipped.push({ id: row[cols.id] ?? null, reason: r.error });
  }
  return { rules: new RuleSet(rules), skipped };
}
