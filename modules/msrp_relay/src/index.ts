import { CORE_CONFIG, defineModule, SCRIPT, TIMERS } from '@tsips/core';
import { MSRP_API, TextMemo } from '@tsips/proto_msrp';
import { scriptPasswordLookup } from './auth-route.js';
import { NonceCodec } from './digest.js';
import { relayMi, type RelayModuleState } from './mi.js';
import { RELAY_PARAMS, relayConfig, resolveMyUris } from './params.js';
import { parseMsrpUri } from './uri.js';
import { handleReply } from './replies.js';
import { handleRequest } from './requests.js';
import { SessionTable } from './sessions.js';

export type { RelaySession } from './sessions.js';
export type { RelayModuleState } from './mi.js';

/**
 * msrp_relay: an RFC 4976 MSRP relay (OpenSIPS msrp_relay) on proto_msrp's API. Clients AUTH
 * (Digest, password from the script's auth route) and get a session URI in Use-Path; SEND and
 * REPORT addressed to a session URI are relayed hop by hop, reaching the client over the
 * connection it opened. README.md lists parameters, MI commands and statistics.
 */
export default defineModule({
  name: 'msrp_relay',
  doc: 'MSRP relay (RFC 4976): AUTH, sessions, forwarding',
  deps: ['proto_msrp'],
  params: RELAY_PARAMS,
  stats: [
    { name: 'sessions', doc: 'sessions in memory (expired ones until the next cleanup)' },
    { name: 'auth_ok', doc: 'AUTH requests that created a session' },
    { name: 'auth_failed', doc: 'AUTH requests refused (400, 403, 423)' },
    { name: 'forwarded', doc: 'requests forwarded to the next hop' },
    { name: 'reports_sent', doc: 'REPORTs the relay generated (481, 403, 408, failure responses)' },
  ],
  mi: relayMi,
  init(ctx): RelayModuleState {
    const p = ctx.params;
    const nowMs = Date.now;
    const sessions = new SessionTable(nowMs);
    const st: RelayModuleState = {
      api: ctx.resolve(MSRP_API),
      hdl: { id: 0 },
      cfg: relayConfig(p, resolveMyUris(p.my_uri, ctx.resolve(CORE_CONFIG).listeners)),
      sessions,
      uris: new TextMemo(parseMsrpUri),
      nonces: new NonceCodec(p.nonce_expire, nowMs),
      lookup: scriptPasswordLookup(p, ctx.resolve(SCRIPT), ctx.log),
      stats: {
        authOk: ctx.stat('auth_ok'),
        authFailed: ctx.stat('auth_failed'),
        forwarded: ctx.stat('forwarded'),
        reportsSent: ctx.stat('reports_sent'),
      },
      log: ctx.log,
      nowMs,
      stopCleanup: () => undefined,
    };
    ctx.statFn('sessions', () => sessions.size);
    // like OpenSIPS, one catch-all handler per URI kind in use; handleRequest checks my_uri
    for (const secured of new Set(st.cfg.myUris.map((u) => u.secured)))
      st.hdl = st.api.registerHandler({ host: '*', port: 0, secured }, {
        onRequest: (req) => handleRequest(st, req),
        onReply: (reply, tx) => handleReply(st, reply, tx),
      });
    st.stopCleanup = ctx.resolve(TIMERS).every(p.cleanup_interval * 1000, () => {
      const n = sessions.sweep();
      if (n > 0) ctx.log.debug({ expired: n }, 'msrp_relay: expired sessions removed');
    });
    return st;
  },
  destroy(st) {
    st.stopCleanup();
  },
});
