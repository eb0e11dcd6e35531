import type { Branch, ScriptContext } from '@tsips/core';
import type { Tm } from './tm.js';

/** One stored contact of t_load_contacts (kept as JSON in the contacts_avp AVP). */
interface StoredContact {
  u: string;
  d: string | null;
  q: number;
  f: number;
  p?: string;
  s?: string;
  /** tried in parallel with the contact before it (same q) */
  g?: 1;
}

/**
 * t_load_contacts([mode]) (Kamailio): move the R-URI and every appended branch into the
 * contacts AVP, ordered for serial forking, and clear the destination set. Mode 0: higher q
 * first, equal q in parallel, no q counts as lowest. Mode 1: random order weighted by q
 * (q <= 0 last), one at a time. With no appended branch there is nothing to order: 1.
 */
export function loadContacts(tm: Tm, ctx: ScriptContext, mode: number): number {
  const name = tm.cfg.contactsAvp;
  if (!name) {
    tm.log.error('t_load_contacts: modparam("tm", "contacts_avp") is not set');
    return -1;
  }
  const branches = ctx.branches;
  if (!branches || branches.length === 0) return 1;
  const all: Branch[] = [{ uri: ctx.ruri(), dstUri: ctx.dstUri, q: ctx.ruriQ, flags: ctx.bflags, socket: ctx.forcedSocket }, ...branches];
  const ordered = mode === 1 ? weightedOrder(all) : all.map((b, i) => ({ b, i })).sort((x, y) => y.b.q - x.b.q || x.i - y.i).map((x) => x.b);
  const stored = ordered.map((b, i): string => {
    const c: StoredContact = { u: b.uri, d: b.dstUri, q: b.q, f: b.flags };
    if (b.path) c.p = b.path;
    if (b.socket) c.s = b.socket.name;
    if (mode !== 1 && i > 0 && ordered[i - 1]!.q === b.q) c.g = 1;
    return JSON.stringify(c);
  });
  ctx.avpStore().set(name, stored);
  ctx.branches = null;
  return 1;
}

function weightedOrder(all: Branch[]): Branch[] {
  const weighted = all.filter((b) => b.q > 0);
  const rest = all.filter((b) => b.q <= 0);
  const out: Branch[] = [];
  while (weighted.length > 0) {
    let total = 0;
    for (const b of weighted) total += b.q;
    let r = Math.random() * total;
    let i = 0;
    for (; i < weighted.length - 1; i++) {
      r -= weighted[i]!.q;
      if (r < 0) break;
    }
    out.push(weighted.splice(i, 1)[0]!);
  }
  return out.concat(rest);
}

/**
 * t_next_contacts() (Kamailio): take the next group of stored contacts (all those of the
 * highest remaining q in mode 0), rewrite the R-URI with the first and append the others
 * as branches. 1 added, -2 none left, -1 not configured.
 */
export function nextContacts(tm: Tm, ctx: ScriptContext): number {
  const name = tm.cfg.contactsAvp;
  if (!name) return -1;
  const store = ctx.avpStore();
  const list = store.get(name);
  if (!list || list.length === 0) return -2;
  let n = 1;
  while (n < list.length && (JSON.parse(String(list[n])) as StoredContact).g === 1) n++;
  const group = list.slice(0, n).map((v) => JSON.parse(String(v)) as StoredContact);
  if (n === list.length) store.delete(name);
  else store.set(name, list.slice(n));
  const socketOf = (s?: string) => (s ? (tm.listeners().find((l) => l.name === s) ?? null) : null);
  const first = group[0]!;
  ctx.newRuri = first.u;
  ctx.dstUri = first.d;
  ctx.bflags = first.f;
  ctx.ruriQ = first.q;
  ctx.forcedSocket = socketOf(first.s);
  for (const c of group.slice(1)) (ctx.branches ??= []).push({ uri: c.u, dstUri: c.d, q: c.q, flags: c.f, path: c.p, socket: socketOf(c.s) });
  return 1;
}
