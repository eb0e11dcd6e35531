import { defineModule } from '@tsips/core';
import { dbRegistry } from './api.js';
import { SqliteDriver } from './sqlite.js';

export { DB_API, DbRegistry, dbRegistry, urlScheme, type DbApi, type DbDriver, type SqlDb, type SqlRow, type SqlValue } from './api.js';
export { SqliteDriver, sqlitePath } from './sqlite.js';

/**
 * db_sqlite: an SQL DB module (OpenSIPS MOD_TYPE_SQLDB) for `sqlite://` URLs. It registers its
 * driver in the shared DB registry (DB_API) that modules such as tcp_mgm open their db_url with.
 */
export default defineModule({
  name: 'db_sqlite',
  doc: 'SQLite databases (sqlite:///abs/path.db, sqlite://./relative.db) for modules that read SQL tables',
  init(ctx): SqliteDriver {
    const driver = new SqliteDriver();
    dbRegistry(ctx).register(driver);
    return driver;
  },
});
