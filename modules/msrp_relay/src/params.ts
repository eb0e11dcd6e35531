import { int, str, TsipsError, type Listener, type ParamValues } from '@tsips/core';
import type { RelayConfig } from './state.js';
import { parseMsrpUri, sameHost, type MsrpUri } from './uri.js';

/** The IANA port OpenSIPS assumes for a my_uri without one. */
export const DEFAULT_MSRP_PORT = 2855;

const checkMyUri = (v: string): string | undefined => {
  const u = parseMsrpUri(v);
  if (!u) return `"${v}" is not an MSRP URI (msrp[s]://host[:port];tcp)`;
  if (u.session !== '') return `"${v}": my_uri must not carry a session id`;
  return undefined;
};

export const RELAY_PARAMS = {
  my_uri: str({ repeat: true, validate: checkMyUri, doc: "the relay's own MSRP URI (repeatable; port 2855 when absent)" }),
  auth_route: str({ optional: true, doc: 'route run to get the password of an AUTH user; unset: route[msrp_auth] if defined, else no authentication' }),
  username_var: str({ default: '$var(username)', doc: 'set to the digest username before auth_route runs' }),
  realm_var: str({ default: '$var(realm)', doc: 'set to the realm before auth_route runs' }),
  password_var: str({ default: '$var(password)', doc: 'auth_route sets it to the password (calculate_ha1=1) or HA1' }),
  calculate_ha1: int({ default: 0, min: 0, max: 1, doc: '1: password_var holds the plain password; 0: a ready HA1' }),
  auth_realm: str({ optional: true, doc: 'digest realm; default: the host of the top To-Path URI of the AUTH' }),
  auth_expires: int({ default: 1800, min: 1, unit: 's', doc: 'session lifetime granted when the AUTH has no Expires' }),
  auth_min_expires: int({ default: 60, min: 0, unit: 's', doc: 'lowest Expires accepted (423 with Min-Expires below; 0 = no bound)' }),
  auth_max_expires: int({ default: 3600, min: 0, unit: 's', doc: 'highest Expires accepted (423 with Max-Expires above; 0 = no bound)' }),
  nonce_expire: int({ default: 30, min: 1, unit: 's', doc: 'nonce lifetime; older nonces are re-challenged with stale=true' }),
  cleanup_interval: int({ default: 60, min: 1, unit: 's', doc: 'how often expired sessions are removed from memory' }),
  hash_size: int({ default: 10, min: 1, max: 20, doc: 'OpenSIPS sessions table size (log2); accepted for compatibility, the table grows by itself' }),
};

export type RelayParams = ParamValues<typeof RELAY_PARAMS>;

const startupError = (message: string, hint: string): TsipsError => new TsipsError('MSRP_RELAY_ERR_CONFIG', `msrp_relay: ${message}`, { hint });

/** my_uri list with ports filled in, each checked against the msrp/msrps sockets. */
export function resolveMyUris(values: readonly string[], listeners: readonly Listener[]): MsrpUri[] {
  if (values.length === 0)
    throw startupError('my_uri must be set at least once', 'modparam("msrp_relay", "my_uri", "msrp://127.0.0.1:2855;tcp") naming an msrp socket');
  return values.map((v) => {
    const parsed = parseMsrpUri(v)!;
    const u = parsed.port === 0 ? { ...parsed, port: DEFAULT_MSRP_PORT } : parsed;
    if (!listeners.some((l) => socketServes(l, u)))
      throw startupError(
        `my_uri "${v}" matches no ${u.secured ? 'msrps' : 'msrp'} socket`,
        `add socket=${u.secured ? 'msrps' : 'msrp'}:${u.host.includes(':') ? `[${u.host}]` : u.host}:${u.port} or fix the URI's host/port`,
      );
    return u;
  });
}

/**
 * A socket serves a URI when kind and port match and the host is its IP (or the socket listens
 * on every address), its advertised name, or a name we cannot check without DNS.
 */
function socketServes(l: Listener, u: MsrpUri): boolean {
  if (l.proto !== (u.secured ? 'msrps' : 'msrp')) return false;
  if ((l.advertisedPort ?? l.port) !== u.port && l.port !== u.port) return false;
  if (l.advertisedHost !== undefined && sameHost(l.advertisedHost.toLowerCase(), u.host)) return true;
  const literal = /^[0-9.]+$/.test(u.host) || u.host.includes(':');
  if (!literal) return true;
  return sameHost(l.ip.toLowerCase(), u.host) || l.ip === '0.0.0.0' || l.ip === '::';
}

export function relayConfig(p: RelayParams, myUris: MsrpUri[]): RelayConfig {
  if (p.auth_min_expires > 0 && p.auth_max_expires > 0 && p.auth_min_expires > p.auth_max_expires)
    throw startupError(`auth_min_expires (${p.auth_min_expires}) is above auth_max_expires (${p.auth_max_expires})`, 'lower auth_min_expires or raise auth_max_expires');
  return {
    myUris,
    realm: p.auth_realm,
    expires: p.auth_expires,
    minExpires: p.auth_min_expires,
    maxExpires: p.auth_max_expires,
    calculateHa1: p.calculate_ha1 === 1,
  };
}
