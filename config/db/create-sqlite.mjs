#!/usr/bin/env node
// Create (or overwrite) an SQLite database file from SQL scripts, with sql.js (no native build):
//   node config/db/create-sqlite.mjs config/db/tsips.db config/db/tcp_mgm-sqlite.sql config/db/tcp_mgm-example.sql
import { readFileSync, writeFileSync } from 'node:fs';
import initSqlJs from 'sql.js';

const [out, ...scripts] = process.argv.slice(2);
if (!out || scripts.length === 0) {
  console.error('usage: create-sqlite.mjs <out.db> <script.sql> [script.sql ...]');
  process.exit(2);
}
const SQL = await initSqlJs();
const db = new SQL.Database();
for (const f of scripts) db.exec(readFileSync(f, 'utf8'));
writeFileSync(out, db.export());
db.close();
console.log(`${out}: created from ${scripts.join(', ')}`);
