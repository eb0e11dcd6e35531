import { RouteType, toInt, type CmdSpec, type ScriptContext, type ScriptValue } from '@tsips/core';
import { RELAY_FLAGS, tRelay, tReplicate, type RelayOptions } from './relay.js';
import { txOf, type Tm } from './tm.js';
import { newTran, sendReply } from './uas.js';
import { TF } from './transaction.js';

type Cmd = CmdSpec<Tm>;
const { REQUEST, FAILURE } = RouteType;

/** A t_relay argument: flags (CSV names or a number) or a next hop. */
type RelayArg = { flags: number } | { proxy: string; raw: string };

const NUMERIC = /^(0x[0-9a-f]+|\d+)$/i;

/** "proto:host:port", "host:port", "host" or a SIP URI, as the URI the branch goes to. */
export function proxyUri(v: string, proto?: string): string {
  const s = v.trim();
  if (/^sips?:/i.test(s)) return s;
  const m = /^(?:(udp|tcp|tls|sctp|ws|wss):)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/i.exec(s);
  if (!m) throw new Error(`bad destination "${v}": expected [proto:]host[:port]`);
  const p = proto ?? m[1]?.toLowerCase();
  return `sip:${m[2]}${m[3] ? `:${m[3]}` : ''}${p ? `;transport=${p}` : ''}`;
}

/** Classify and convert one t_relay argument (both OpenSIPS and Kamailio orders work). */
export function relayArg(v: string | number): RelayArg {
  const s = String(v).trim();
  if (typeof v === 'number' || NUMERIC.test(s)) return { flags: Number(s) };
  const names = s.split(',').map((x) => x.trim().toLowerCase());
  if (names.every((n) => n in RELAY_FLAGS)) return { flags: names.reduce((f, n) => f | RELAY_FLAGS[n]!, 0) };
  return { proxy: proxyUri(s), raw: s };
}

function options(args: readonly (RelayArg | undefined)[], proto?: string): RelayOptions {
  const [a, b] = args;
  // Kamailio t_relay(host, port): a bare host and a number too big to be t_relay flags
  if (a && b && 'proxy' in a && 'flags' in b && b.flags > 0x1f && !/:\d+$/.test(a.raw)) return { proxy: proxyUri(`${a.raw}:${b.flags}`), flags: 0, proto };
  const o: RelayOptions = { proxy: null, flags: 0, proto };
  for (const a of args) {
    if (!a) continue;
    if ('flags' in a) o.flags |= a.flags;
    else o.proxy = a.proxy;
  }
  return o;
}

const relayArgSpec = { kind: 'str' as const, fixup: relayArg };

const relayTo = (proto: 'udp' | 'tcp'): Cmd[] => [
  { routes: REQUEST | FAILURE, run: (ctx, tm) => tRelay(tm, ctx, { proxy: null, flags: 0, proto }) },
  {
    args: [{ kind: 'str' }, { kind: 'int' }],
    routes: REQUEST | FAILURE,
    run: (ctx, tm, host: string, port: number) => tRelay(tm, ctx, { proxy: proxyUri(`${host}:${port}`, proto), flags: 0, proto }),
  },
];

/** t_reply: on the bound transaction, creating it (request route) when needed. */
function tReply(tm: Tm, ctx: ScriptContext, code: ScriptValue, reason: string, body?: string, contentType?: string): number {
  if (ctx.msg.method === 'ACK') return -1;
  let tx = txOf(ctx);
  if (tx === null) {
    if (ctx.routeType !== REQUEST) return -1;
    const r = newTran(tm, ctx, TF.NEWTRAN);
    if (r <= 0) return r;
    tx = txOf(ctx)!;
  }
  // a code that is not a number (e.g. an unset variable) falls back to default_code/default_reason
  const n = typeof code === 'number' ? code : toInt(code);
  const valid = n >= 100 && n <= 699;
  const extras = body === undefined ? undefined : { body, contentType };
  return sendReply(tm, tx, valid ? n : tm.cfg.defaultCode, valid && reason ? reason : tm.cfg.defaultReason, extras);
}

/** Script functions that forward or answer statefully. */
export const relayCmds: Record<string, Cmd | Cmd[]> = {
  t_relay: [
    { routes: REQUEST | FAILURE, run: (ctx, tm) => tRelay(tm, ctx, { proxy: null, flags: 0 }) },
    { args: [relayArgSpec], routes: REQUEST | FAILURE, run: (ctx, tm, a: RelayArg) => tRelay(tm, ctx, options([a])) },
    { args: [relayArgSpec, relayArgSpec], routes: REQUEST | FAILURE, run: (ctx, tm, a: RelayArg, b: RelayArg) => tRelay(tm, ctx, options([a, b])) },
  ],
  t_forward_nonack: [
    { routes: REQUEST | FAILURE, run: (ctx, tm) => (ctx.msg.method === 'ACK' ? -1 : tRelay(tm, ctx, { proxy: null, flags: 0 })) },
    {
      args: [{ kind: 'str' }, { kind: 'int' }],
      routes: REQUEST | FAILURE,
      run: (ctx, tm, host: string, port: number) => (ctx.msg.method === 'ACK' ? -1 : tRelay(tm, ctx, { proxy: proxyUri(`${host}:${port}`), flags: 0 })),
    },
  ],
  t_relay_to_udp: relayTo('udp'),
  t_relay_to_tcp: relayTo('tcp'),
  t_replicate: [
    { args: [{ kind: 'str' }], routes: REQUEST | FAILURE, run: (ctx, tm, uri: string) => tReplicate(tm, ctx, uri.startsWith('sip') ? uri : proxyUri(uri)) },
    {
      args: [{ kind: 'str' }, { kind: 'str' }],
      routes: REQUEST | FAILURE,
      doc: 'flags: only no-dns-failover applies (there is no DNS failover)',
      run: (ctx, tm, uri: string) => tReplicate(tm, ctx, uri.startsWith('sip') ? uri : proxyUri(uri)),
    },
  ],
  t_newtran: { routes: REQUEST, run: (ctx, tm) => newTran(tm, ctx) },
  t_reply: {
    args: [{ kind: 'any' }, { kind: 'str' }],
    routes: REQUEST | FAILURE,
    run: (ctx, tm, code: ScriptValue, reason: string) => tReply(tm, ctx, code, reason),
  },
  t_reply_with_body: {
    args: [{ kind: 'any' }, { kind: 'str' }, { kind: 'str' }, { kind: 'str', optional: true }],
    routes: REQUEST | FAILURE,
    doc: 't_reply_with_body(code, reason, body[, content_type]); the body is sent with Content-Type application/sdp unless given',
    run: (ctx, tm, code: ScriptValue, reason: string, body: string, ct?: string) => tReply(tm, ctx, code, reason, body, ct ?? 'application/sdp'),
  },
};
