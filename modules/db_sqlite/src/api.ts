import { apiToken, type ModuleContext } from '@tsips/core';

/**
 * The generic SQL DB API (OpenSIPS db_func_t, "any SQL DB module"). A DB module (db_sqlite,
 * later db_postgres ...) registers a driver for its URL scheme; a user module (tcp_mgm ...)
 * opens a connection by URL and does not care which driver serves it.
 */

export type SqlValue = string | number | null | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

/** One open database connection. */
export interface SqlDb {
  /** the URL it was opened with */
  readonly url: string;
  /** run one statement with positional `?` parameters; rows as column-name -> value objects */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** quote a table or column name for this SQL dialect */
  quoteIdent(name: string): string;
  close(): Promise<void>;
}

/** What a DB module registers: how to open URLs of its scheme. */
export interface DbDriver {
  /** URL scheme without "://", lower case: 'sqlite', 'postgres' */
  readonly scheme: string;
  /** the module that provides it, for error messages */
  readonly module: string;
  /** `baseDir` resolves relative file paths (the config file's directory) */
  open(url: string, opts: { baseDir: string }): Promise<SqlDb>;
}

export interface DbApi {
  register(driver: DbDriver): void;
  /** a driver for the URL's scheme is loaded */
  supports(url: string): boolean;
  /** the schemes that can be opened, for hints */
  schemes(): string[];
  open(url: string, opts: { baseDir: string }): Promise<SqlDb>;
}

/** Every DB module shares one registry under this token. */
export const DB_API = apiToken<DbApi>('db');

/** The URL's scheme in lower case, or undefined when it has none ("sqlite:///x.db" -> "sqlite"). */
export function urlScheme(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Drivers by scheme. */
export class DbRegistry implements DbApi {
  private readonly drivers = new Map<string, DbDriver>();

  register(driver: DbDriver): void {
    const had = this.drivers.get(driver.scheme);
    if (had) throw new Error(`DB scheme "${driver.scheme}" is already provided by module ${had.module}`);
    this.drivers.set(driver.scheme, driver);
  }

  supports(url: string): boolean {
    const s = urlScheme(url);
    return s !== undefined && this.drivers.has(s);
  }

  schemes(): string[] {
    return [...this.drivers.keys()];
  }

  open(url: string, opts: { baseDir: string }): Promise<SqlDb> {
    const s = urlScheme(url);
    const driver = s === undefined ? undefined : this.drivers.get(s);
    if (!driver) return Promise.reject(new Error(`no DB module serves "${url}" (loaded schemes: ${this.schemes().join(', ') || 'none'})`));
    return driver.open(url, opts);
  }
}

/**
 * The shared registry, created by the first DB module that initialises. DB modules call this
 * in init and register their driver; user modules depend on a DB module and resolve DB_API.
 */
export function dbRegistry(ctx: Pick<ModuleContext, 'container' | 'provide'>): DbApi {
  if (ctx.container.isRegistered(DB_API)) return ctx.container.resolve(DB_API);
  const reg = new DbRegistry();
  ctx.provide(DB_API, reg);
  return reg;
}
