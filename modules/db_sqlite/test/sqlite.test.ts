import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '@tsips/core';
import { DB_API, DbRegistry, SqliteDriver, sqlitePath, urlScheme, type DbDriver } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'db-sqlite-'));
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

describe('sqlite:// URLs', () => {
  it('takes absolute paths and paths relative to the config directory', () => {
    expect(sqlitePath('sqlite:///var/lib/tsips.db', '/etc/tsips')).toBe('/var/lib/tsips.db');
    expect(sqlitePath('sqlite://./db/tsips.db', '/etc/tsips')).toBe('/etc/tsips/db/tsips.db');
    expect(sqlitePath('sqlite://tsips.db', '/etc/tsips')).toBe('/etc/tsips/tsips.db');
    expect(sqlitePath('SQLITE://../x.db', '/etc/tsips')).toBe('/etc/x.db');
    expect(() => sqlitePath('sqlite://', '/etc')).toThrow(/bad sqlite URL/);
    expect(urlScheme('Postgres://u@h/db')).toBe('postgres');
    expect(urlScheme('/just/a/path')).toBeUndefined();
  });
});

describe('SqliteDriver (sql.js)', () => {
  it('reads a database file created from an SQL script; parameters bind by position', async () => {
    const d = new SqliteDriver();
    const file = join(dir, 'a.db');
    await d.createFile(file, "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'it''s');");
    const db = await d.open('sqlite://./a.db', { baseDir: dir });
    expect(await db.query('SELECT a, b FROM t WHERE a >= ? ORDER BY a', [2])).toEqual([
      { a: 2, b: null },
      { a: 3, b: "it's" },
    ]);
    expect(await db.query(`SELECT ${db.quoteIdent('a')} AS ${db.quoteIdent('we`ird')} FROM t WHERE b = ?`, ['x'])).toEqual([{ 'we`ird': 1 }]);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/is closed/);
  });

  it('sees the file as it is at each open (no caching between opens)', async () => {
    const d = new SqliteDriver();
    const file = join(dir, 'b.db');
    await d.createFile(file, 'CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);');
    const first = await d.open(`sqlite://${file}`, { baseDir: '/' });
    await d.createFile(file, 'CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (2);');
    const second = await d.open(`sqlite://${file}`, { baseDir: '/' });
    expect(await first.query('SELECT a FROM t')).toEqual([{ a: 1 }]);
    expect(await second.query('SELECT a FROM t')).toEqual([{ a: 2 }]);
  });

  it('fails on a missing file, a file that is not a database, a missing column and bad SQL', async () => {
    const d = new SqliteDriver();
    await expect(d.open(`sqlite://${dir}/none.db`, { baseDir: '/' })).rejects.toThrow(/ENOENT/);
    writeFileSync(join(dir, 'junk.db'), 'junk '.repeat(200));
    const junk = await d.open(`sqlite://${dir}/junk.db`, { baseDir: '/' });
    await expect(junk.query('SELECT 1 FROM t')).rejects.toThrow(/file is not a database/);
    await d.createFile(join(dir, 'c.db'), 'CREATE TABLE t (a INTEGER);');
    const db = await d.open(`sqlite://${dir}/c.db`, { baseDir: '/' });
    // a quoted name that is no column must fail, not read as a string literal
    await expect(db.query(`SELECT ${db.quoteIdent('nope')} FROM t`)).rejects.toThrow(/no such column/);
    await expect(db.query('SELEKT 1')).rejects.toThrow(/syntax error/);
  });
});

describe('DB registry', () => {
  it('dispatches by scheme and refuses a second driver for one scheme', async () => {
    const reg = new DbRegistry();
    const fake: DbDriver = { scheme: 'fake', module: 'db_fake', open: (url) => Promise.resolve({ url, query: async () => [{ one: 1 }], quoteIdent: (n) => n, close: async () => undefined }) };
    reg.register(fake);
    expect(reg.supports('fake://x')).toBe(true);
    expect(reg.supports('sqlite:///x')).toBe(false);
    expect(await (await reg.open('fake://x', { baseDir: '/' })).query('q')).toEqual([{ one: 1 }]);
    await expect(reg.open('sqlite:///x.db', { baseDir: '/' })).rejects.toThrow(/no DB module serves "sqlite:\/\/\/x.db" \(loaded schemes: fake\)/);
    expect(() => reg.register({ ...fake, module: 'db_other' })).toThrow(/already provided by module db_fake/);
  });

  it('the db_sqlite module registers the sqlite driver under DB_API', async () => {
    const s = await createTestServer('loadmodule "db_sqlite"\nstartup_route { exit; }');
    servers.push(s);
    const api = s.server.container.resolve(DB_API);
    expect(api.schemes()).toEqual(['sqlite']);
    await new SqliteDriver().createFile(join(dir, 'm.db'), 'CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (7);');
    const db = await api.open(`sqlite://${join(dir, 'm.db')}`, { baseDir: '/' });
    expect(await db.query('SELECT a FROM t')).toEqual([{ a: 7 }]);
  });
});
