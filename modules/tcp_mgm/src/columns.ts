import { str, type StrParamSpec } from '@tsips/core';

/** The tcp_mgm table columns of the OpenSIPS 3.x schema (table version 1), in schema order. */
export const COLUMNS = [
  'id',
  'proto',
  'remote_addr',
  'remote_port',
  'local_addr',
  'local_port',
  'priority',
  'attrs',
  'connect_timeout',
  'con_lifetime',
  'msg_read_timeout',
  'send_threshold',
  'no_new_conn',
  'alias_mode',
  'parallel_read',
  'keepalive',
  'keepcount',
  'keepidle',
  'keepinterval',
] as const;

export type Column = (typeof COLUMNS)[number];
/** the name each column has in the configured table (the `<column>_col` params) */
export type ColumnNames = Readonly<Record<Column, string>>;

export const TABLE_VERSION = 1;

const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'must name a column' : undefined);

/**
 * One `<column>_col` rename param per column, each mapped to ITS OWN column (OpenSIPS 3.6
 * shifts this mapping by one; that bug is not reproduced).
 */
export const COLUMN_PARAMS = Object.fromEntries(
  COLUMNS.map((c) => [`${c}_col`, str({ default: c, validate: nonEmpty, doc: `name of the ${c} column` })]),
) as Record<`${Column}_col`, StrParamSpec & { default: string }>;

export function columnNames(params: Readonly<Record<`${Column}_col`, string>>): ColumnNames {
  return Object.fromEntries(COLUMNS.map((c) => [c, params[`${c}_col`]])) as Record<Column, string>;
}
