import type { PvSpec } from '../module/define.js';
import type { ScriptContext } from '../script/context.js';
import type { ScriptValue } from '../script/values.js';
import type { SipUri } from '../sip/uri.js';
import { cachedUri } from './uri-cache.js';
import type { CoreLibState } from './state.js';
import { editRuri } from './uri-edit.js';

type Pv = PvSpec<CoreLibState>;

function uriPart(uri: string, part: (u: SipUri) => ScriptValue | undefined): ScriptValue {
  try {
    return part(cachedUri(uri)) ?? null;
  } catch {
    return null;
  }
}

const ruriPart = (part: (u: SipUri) => ScriptValue | undefined): Pv['get'] => (ctx) => (ctx.msg.isRequest ? uriPart(ctx.ruri(), part) : null);

function nameAddrUri(ctx: ScriptContext, which: 'from' | 'to'): string | null {
  try {
    return (which === 'from' ? ctx.msg.from : ctx.msg.to).uri;
  } catch {
    return null;
  }
}

const addrPart = (which: 'from' | 'to', part: (u: SipUri) => ScriptValue | undefined): Pv['get'] => (ctx) => {
  const u = nameAddrUri(ctx, which);
  return u === null ? null : uriPart(u, part);
};

const safe = (f: (ctx: ScriptContext) => ScriptValue): Pv['get'] => (ctx) => {
  try {
    return f(ctx);
  } catch {
    return null;
  }
};

/** Pseudo-variables that read (and some write) the SIP message (OpenSIPS core PVs). */
export const messagePvs: Record<string, Pv> = {
  ru: {
    get: (ctx) => (ctx.msg.isRequest ? ctx.ruri() : null),
    set: (ctx, _s, _n, v) => void (ctx.newRuri = v === null ? null : String(v)),
  },
  rU: { get: ruriPart((u) => u.user), set: (ctx, _s, _n, v) => void editRuri(ctx, (u) => (u.user = v === null ? undefined : String(v))) },
  rd: { get: ruriPart((u) => u.host), set: (ctx, _s, _n, v) => void editRuri(ctx, (u) => (u.host = String(v ?? ''))) },
  rp: {
    get: ruriPart((u) => u.port ?? 5060),
    set: (ctx, _s, _n, v) => void editRuri(ctx, (u) => (u.port = v === null || v === '' ? undefined : Number(v))),
  },
  du: {
    get: (ctx) => ctx.dstUri,
    set: (ctx, _s, _n, v) => void (ctx.dstUri = v === null || v === '' ? null : String(v)),
  },
  rm: { get: (ctx) => ctx.msg.method },
  rs: { get: (ctx) => (ctx.msg.isRequest ? null : ctx.msg.status) },
  rr: { get: (ctx) => (ctx.msg.isRequest ? null : ctx.msg.reason) },
  ci: { get: safe((ctx) => ctx.msg.callId) },
  cs: { get: safe((ctx) => ctx.msg.cseq.num) },
  fu: { get: (ctx) => nameAddrUri(ctx, 'from') },
  fU: { get: addrPart('from', (u) => u.user) },
  fd: { get: addrPart('from', (u) => u.host) },
  fn: { get: safe((ctx) => ctx.msg.from.display ?? null) },
  ft: { get: safe((ctx) => ctx.msg.fromTag ?? null) },
  tu: { get: (ctx) => nameAddrUri(ctx, 'to') },
  tU: { get: addrPart('to', (u) => u.user) },
  td: { get: addrPart('to', (u) => u.host) },
  tn: { get: safe((ctx) => ctx.msg.to.display ?? null) },
  tt: { get: safe((ctx) => ctx.msg.toTag ?? null) },
  ua: { get: (ctx) => ctx.msg.header('user-agent') ?? null },
  ct: { get: (ctx) => ctx.msg.header('contact') ?? null },
  cl: { get: safe((ctx) => ctx.msg.contentLength ?? null) },
  cT: { get: (ctx) => ctx.msg.header('content-type') ?? null },
  rb: { get: (ctx) => ctx.msg.body.toString('utf8') },
  ml: { get: (ctx) => ctx.msg.buf.length },
  mf: { get: (ctx) => ctx.flags },
  hdr: {
    name: 'required',
    parseName: (inner: string) => inner.trim(),
    get: (ctx, _s, name: string, idx) => {
      if (idx === undefined) return ctx.msg.header(name) ?? null;
      const all = ctx.msg.headerAll(name);
      return all[idx < 0 ? all.length + idx : idx] ?? null;
    },
  },
  hdrcnt: { name: 'required', parseName: (inner: string) => inner.trim(), get: (ctx, _s, name: string) => ctx.msg.headerAll(name).length },
};
