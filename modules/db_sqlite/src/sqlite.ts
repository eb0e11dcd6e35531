import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { DbDriver, SqlDb, SqlRow, SqlValue } from './api.js';

/**
 * SQLite through sql.js (WebAssembly, no native build). sql.js works in memory: opening a
 * connection reads the whole file, so every open (a module's initial load, an MI reload) sees
 * the file as it is then. Writes change only that in-memory copy; nothing is saved back.
 */

/** `sqlite:///abs/x.db` -> /abs/x.db; `sqlite://./x.db` and `sqlite://x.db` -> relative to baseDir */
export function sqlitePath(url: string, baseDir: string): string {
  const m = /^sqlite:\/\/(.*)$/i.exec(url);
  const p = m?.[1];
  if (!p) throw new Error(`bad sqlite URL "${url}": expected sqlite:///abs/path.db or sqlite://./relative.db`);
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export class SqliteDriver implements DbDriver {
  readonly scheme = 'sqlite';
  readonly module = 'db_sqlite';
  /** the WebAssembly engine, compiled on first use (about 40 ms) and kept */
  private engine: Promise<SqlJsStatic> | undefined;

  async open(url: string, opts: { baseDir: string }): Promise<SqlDb> {
    const path = sqlitePath(url, opts.baseDir);
    const [SQL, bytes] = await Promise.all([this.load(), readFile(path)]);
    return new SqliteDb(url, new SQL.Database(bytes));
  }

  /** Create (or overwrite) a database file from an SQL script, e.g. a schema file. */
  async createFile(path: string, script: string): Promise<void> {
    const SQL = await this.load();
    const db = new SQL.Database();
    try {
      db.exec(script);
      await writeFile(path, db.export());
    } finally {
      db.close();
    }
  }

  private load(): Promise<SqlJsStatic> {
    this.engine ??= initSqlJs().catch((err: unknown) => {
      this.engine = undefined; // let a later open try again
      throw err;
    });
    return this.engine;
  }
}

class SqliteDb implements SqlDb {
  private db: Database | null;

  constructor(
    readonly url: string,
    db: Database,
  ) {
    this.db = db;
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    try {
      return Promise.resolve(this.run(sql, params));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Backticks, not double quotes: SQLite reads a double-quoted name that is no column as a
   * string literal, so a missing column would select its own name instead of failing.
   */
  quoteIdent(name: string): string {
    return `\`${name.replace(/`/g, '``')}\``;
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  private run(sql: string, params: readonly SqlValue[]): SqlRow[] {
    if (!this.db) throw new Error(`database ${this.url} is closed`);
    const st = this.db.prepare(sql);
    try {
      if (params.length > 0) st.bind([...params]);
      const rows: SqlRow[] = [];
      while (st.step()) rows.push(st.getAsObject());
      return rows;
    } finally {
      st.free();
    }
  }
}
