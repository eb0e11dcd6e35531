// The part of sql.js 1.16 (SQLite compiled to WebAssembly; ships no types) that db_sqlite uses.
declare module 'sql.js' {
  type BindValue = string | number | null | Uint8Array;
  interface Statement {
    bind(values?: BindValue[]): boolean;
    step(): boolean;
    getAsObject(): Record<string, BindValue>;
    free(): boolean;
  }
  interface Database {
    prepare(sql: string): Statement;
    run(sql: string, params?: BindValue[]): Database;
    /** run a script of several statements */
    exec(sql: string): unknown;
    export(): Uint8Array;
    close(): void;
  }
  interface SqlJsStatic {
    Database: new (data?: Uint8Array | null) => Database;
  }
  export default function initSqlJs(config?: { locateFile?: (file: string) => string }): Promise<SqlJsStatic>;
  export type { BindValue, Database, SqlJsStatic, Statement };
}
