import type { Logger, ProfileQuery, TcpProfile } from '@tsips/core';
import type { DbApi } from '@tsips/db_sqlite';
import type { ColumnNames } from './columns.js';
import { loadRules, type LoadResult } from './load.js';
import type { RuleContext } from './rule.js';
import { RuleSet } from './rules.js';

export interface TcpMgmOptions {
  db: DbApi;
  url: string;
  /** directory relative sqlite paths resolve against (the config file's) */
  baseDir: string;
  table: string;
  cols: ColumnNames;
  ruleContext: RuleContext;
  log: Logger;
}

/**
 * The module's state: the active rule set and how to reload it. A reload reads everything
 * into a new RuleSet and swaps it in with one assignment, so a lookup sees either the old or
 * the new rules, and a failed reload leaves the old ones active. Reloads run one at a time.
 */
export class TcpMgm {
  private active = new RuleSet([]);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: TcpMgmOptions) {}

  get log(): Logger {
    return this.opts.log;
  }

  get rules(): RuleSet {
    return this.active;
  }

  lookup(q: ProfileQuery): TcpProfile | undefined {
    return this.active.lookup(q);
  }

  /** Re-read the table; rejects (old rules kept) when it cannot be read. */
  reload(): Promise<LoadResult> {
    const run = this.queue.then(() => this.loadOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadOnce(): Promise<LoadResult> {
    const { db, url, baseDir, table, cols, ruleContext, log } = this.opts;
    const conn = await db.open(url, { baseDir });
    let res: LoadResult;
    try {
      res = await loadRules(conn, table, cols, ruleContext);
    } finally {
      await conn.close();
    }
    for (const s of res.skipped) log.warn({ id: s.id, reason: s.reason }, `tcp_mgm: rule ${String(s.id)} skipped: ${s.reason}`);
    this.active = res.rules;
    log.info({ rules: res.rules.rules.length, skipped: res.skipped.length }, 'tcp_mgm: rules loaded');
    return res;
  }
}
