import { dirname, isAbsolute } from 'node:path';
import { CORE_CONFIG, defineModule, MiError, str, TCP_MANAGER, TsipsError, type MiCommandSpec } from '@tsips/core';
import { DB_API } from '@tsips/db_sqlite';
import { COLUMN_PARAMS, columnNames } from './columns.js';
import { TcpMgm } from './store.js';

export { TcpMgm, type TcpMgmOptions } from './store.js';
export { RuleSet, compareRules } from './rules.js';
export { parseRule, type Rule, type RuleContext, type Net } from './rule.js';
export { loadRules, type LoadResult, type SkippedRow } from './load.js';
export { COLUMNS, TABLE_VERSION, type Column, type ColumnNames } from './columns.js';

const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'must not be empty' : undefined);

/** `tcp_reload` (3.x name; 4.x `tcp_mgm:reload`): re-read the table, atomically. */
const tcpReload: MiCommandSpec<TcpMgm> = {
  help: 're-read the tcp_mgm table; new rules apply to connections opened afterwards',
  aliases: ['tcp_mgm:reload'],
  recipes: [
    {
      params: [],
      run: async (_p, st) => {
        try {
          await st.reload();
        } catch (err) {
          st.log.error({ err }, `tcp_mgm: reload failed, previous rules stay active: ${(err as Error).message}`);
          throw new MiError(500, 'Failed to reload');
        }
        return 'OK';
      },
    },
  ],
};

/**
 * tcp_mgm (OpenSIPS 3.3+): TCP connection profiles per path, from an SQL table. The rules
 * answer the core's profile lookup (hooks.tcpProfileFor) for every new accepted or outbound
 * connection; no matching rule means the core default profile (the tcp_* globals).
 */
export default defineModule({
  name: 'tcp_mgm',
  doc: 'per-path TCP connection profiles (lifetime, timeouts, keepalive, aliasing ...) from SQL',
  // OpenSIPS: "any SQL DB module" with DEP_ABORT; db_sqlite is the one tsips ships
  deps: ['db_sqlite'],
  params: {
    db_url: str({ doc: 'database URL (mandatory): sqlite:///abs/path.db or sqlite://./relative-to-config.db' }),
    db_table: str({ default: 'tcp_mgm', validate: nonEmpty, doc: 'table holding the rules' }),
    ...COLUMN_PARAMS,
  },
  mi: { tcp_reload: tcpReload },
  async init(ctx): Promise<TcpMgm> {
    const p = ctx.params;
    const url = p.db_url?.trim();
    if (!url)
      throw new TsipsError('TCP_MGM_ERR_DB_URL', 'tcp_mgm: db_url is not set', {
        hint: 'modparam("tcp_mgm", "db_url", "sqlite:///path/to/tsips.db")',
      });
    const db = ctx.resolve(DB_API);
    if (!db.supports(url))
      throw new TsipsError('TCP_MGM_ERR_DB_URL', `tcp_mgm: no loaded DB module serves db_url "${url}"`, {
        hint: `loaded DB schemes: ${db.schemes().map((s) => `${s}://`).join(', ') || 'none'}`,
      });
    if (ctx.hooks.tcpProfileFor.isUsed())
      throw new TsipsError('TCP_MGM_ERR_LOOKUP', 'tcp_mgm: another module already provides the TCP profile lookup', {
        hint: 'only one module may install it: load tcp_mgm alone',
      });
    const config = ctx.resolve(CORE_CONFIG);
    const tcp = ctx.resolve(TCP_MANAGER);
    const st = new TcpMgm({
      db,
      url,
      baseDir: isAbsolute(config.file) ? dirname(config.file) : process.cwd(),
      table: p.db_table,
      cols: columnNames(p),
      ruleContext: { listeners: config.listeners, isStreamProto: (proto) => tcp.hasProto(proto) },
      log: ctx.log,
    });
    try {
      await st.reload();
    } catch (err) {
      throw new TsipsError('TCP_MGM_ERR_LOAD', `tcp_mgm: cannot load table "${p.db_table}" from ${url}: ${(err as Error).message}`, {
        cause: err,
        hint: 'create the database from config/db/tcp_mgm-sqlite.sql and check db_url, db_table and the *_col params',
      });
    }
    ctx.hooks.tcpProfileFor.tap('tcp_mgm', (q) => st.lookup(q));
    return st;
  },
});
