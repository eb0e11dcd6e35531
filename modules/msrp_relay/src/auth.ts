import type { MsrpMessage } from '@tsips/proto_msrp';
import { digestResponse, ha1Of, parseDigestParams, randomToken, sameDigest } from './digest.js';
import type { RelayState } from './state.js';
import { withSession, type MsrpUri } from './uri.js';

/**
 * RFC 4976 §5 AUTH addressed to this relay (To-Path = one of our URIs only): challenge, check
 * the Digest credentials (RFC 2617, MD5, qop=auth) over method AUTH and the To-Path URI, and on
 * success create a session and answer 200 with Use-Path, Expires and Authentication-Info.
 * Check order and answers follow OpenSIPS msrp_relay: Expires bounds (400/423) first, then the
 * credentials (400 malformed, 403 refused), a stale nonce re-challenges with stale=true.
 */
export function handleAuth(st: RelayState, req: MsrpMessage, top: MsrpUri, my: MsrpUri): void {
  const realm = st.cfg.realm ?? top.host;
  if (st.lookup !== null && req.header('authorization') === undefined) {
    challenge(st, req, realm, false);
    return;
  }
  const expires = requestedExpires(st, req);
  if (expires === undefined) return fail(st);
  if (st.lookup === null) return accept(st, req, my, '', expires, []);

  const cred = parseDigestParams(req.header('authorization')!);
  const user = cred?.get('username');
  const nonce = cred?.get('nonce');
  const response = cred?.get('response');
  const cnonce = cred?.get('cnonce') ?? '';
  const nc = cred?.get('nc') ?? '';
  if (!cred || !user || !nonce || !response || cred.get('realm') === undefined) return refuse(st, req, 400, 'Invalid credentials');
  if (cred.get('realm')!.toLowerCase() !== realm.toLowerCase()) return refuse(st, req, 400, 'Invalid credentials');
  const nonceState = st.nonces.check(nonce);
  if (nonceState === 'bad') return refuse(st, req, 400, 'Bad nonce');
  const alg = cred.get('algorithm');
  if (alg !== undefined && alg.toUpperCase() !== 'MD5') return refuse(st, req, 403, 'Unsupported algorithm');
  const qop = cred.get('qop');
  if (qop === undefined || qop.toLowerCase() !== 'auth' || !cnonce || !nc) return refuse(st, req, 403, 'Unsupported qop');
  if (nonceState === 'stale') {
    challenge(st, req, realm, true);
    return;
  }

  const secret = lookupSecret(st, user, realm);
  if (secret === undefined) return refuse(st, req, 403, 'Unauthorized');
  // H(A2) is computed over the last To-Path URI, whatever the uri parameter says (OpenSIPS)
  const uri = req.toPath[req.toPath.length - 1]!;
  const d = { ha1: secret, nonce, nc, cnonce, qop: 'auth', uri };
  if (!sameDigest(response, digestResponse({ ...d, method: 'AUTH' }))) return refuse(st, req, 403, 'Unauthorized');
  const rspauth = digestResponse({ ...d, method: '' });
  accept(st, req, my, user, expires, [`Authentication-Info: qop=auth, rspauth="${rspauth}", cnonce=${quoted(cnonce)}, nc=${nc.replace(/[^0-9a-fA-F]/g, '')}`]);
}

/**
 * The Expires to grant: the client's when it asks within bounds, else auth_expires. Out of
 * bounds is answered 423 with the bound, a non-number 400; both return undefined.
 */
function requestedExpires(st: RelayState, req: MsrpMessage): number | undefined {
  const raw = req.header('expires');
  if (raw === undefined) return st.cfg.expires;
  const text = raw.trim();
  if (!/^\d{1,10}$/.test(text)) {
    st.api.sendReply(st.hdl, req, 400, 'Bad Expires');
    return undefined;
  }
  const n = Number(text);
  const { minExpires: min, maxExpires: max } = st.cfg;
  if (min > 0 && n < min) {
    st.api.sendReply(st.hdl, req, 423, 'Interval Out-of-Bounds', [`Min-Expires: ${min}`]);
    return undefined;
  }
  if (max > 0 && n > max) {
    st.api.sendReply(st.hdl, req, 423, 'Interval Out-of-Bounds', [`Max-Expires: ${max}`]);
    return undefined;
  }
  return n;
}

/** The HA1 to check against, from the auth route's answer; undefined = unknown user. */
function lookupSecret(st: RelayState, user: string, realm: string): string | undefined {
  let value: string | null | undefined;
  try {
    value = st.lookup!(user, realm);
  } catch (err) {
    st.log.error({ err, user }, 'msrp_relay: auth_route failed');
    return undefined;
  }
  if (!value) return undefined;
  if (st.cfg.calculateHa1) return ha1Of(user, realm, value);
  // a ready HA1 must be 32 hex digits (OpenSIPS refuses other lengths)
  return /^[0-9a-f]{32}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** an RFC 2617 quoted-string */
const quoted = (v: string): string => `"${v.replace(/["\\]/g, '\\$&')}"`;

function challenge(st: RelayState, req: MsrpMessage, realm: string, stale: boolean): void {
  const value =
    `Digest realm=${quoted(realm)}, nonce="${st.nonces.make()}", opaque="${randomToken(12)}", ` +
    `qop="auth", algorithm=MD5${stale ? ', stale=true' : ''}`;
  st.api.sendReply(st.hdl, req, 401, 'Unauthorized', [`WWW-Authenticate: ${value}`]);
}

function accept(st: RelayState, req: MsrpMessage, my: MsrpUri, user: string, expires: number, extra: string[]): void {
  const s = st.sessions.create(user, req.fromPath[0]!, req.rcv.conId, expires);
  st.stats.authOk.inc();
  st.log.debug({ session: s.id, user, conId: req.rcv.conId, expires }, 'msrp_relay: new session');
  st.api.sendReply(st.hdl, req, 200, 'OK', [`Use-Path: ${withSession(my, s.id)}`, `Expires: ${expires}`, ...extra]);
}

function refuse(st: RelayState, req: MsrpMessage, code: number, reason: string): void {
  st.api.sendReply(st.hdl, req, code, reason);
  fail(st);
}

function fail(st: RelayState): void {
  st.stats.authFailed.inc();
}
