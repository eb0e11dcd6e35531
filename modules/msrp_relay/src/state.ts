import type { Logger, Stat } from '@tsips/core';
import type { MsrpApi, MsrpHandle, TextMemo } from '@tsips/proto_msrp';
import type { NonceCodec } from './digest.js';
import type { SessionTable } from './sessions.js';
import type { MsrpUri } from './uri.js';

/**
 * The password (or HA1, see calculateHa1) for a user in a realm: the module runs auth_route to
 * get it. null/undefined/'' = unknown user.
 */
export type PasswordLookup = (user: string, realm: string) => string | null | undefined;

export interface RelayConfig {
  /** my_uri values, ports filled in (2855 when the URI has none) */
  myUris: readonly MsrpUri[];
  /** auth_realm; undefined = the host of the top To-Path URI of the AUTH */
  realm: string | undefined;
  /** seconds */
  expires: number;
  /** 0 = no bound */
  minExpires: number;
  maxExpires: number;
  /** the lookup result is a plain password (true) or a ready HA1 (false, OpenSIPS default) */
  calculateHa1: boolean;
}

export interface RelayStats {
  authOk: Stat;
  authFailed: Stat;
  forwarded: Stat;
  reportsSent: Stat;
}

/** Everything the request and reply handlers work on; built once in init (or by a test). */
export interface RelayState {
  readonly api: MsrpApi;
  /** set right after registerHandler */
  hdl: MsrpHandle;
  readonly cfg: RelayConfig;
  readonly sessions: SessionTable;
  /** parseMsrpUri of To-Path URIs, memoised (every frame of a session repeats them) */
  readonly uris: TextMemo<MsrpUri>;
  readonly nonces: NonceCodec;
  /** null: no authentication, every AUTH gets a session (open relay) */
  readonly lookup: PasswordLookup | null;
  readonly stats: RelayStats;
  readonly log: Logger;
}
