import { parseUri, targetOf, type Listener, type NameAddr, type ScriptContext, type SipCore, type SipUri } from '@tsips/core';

/** What loose_route() found in our own Route entry: its URI params ($rr_params). */
export interface RrMatch {
  params: string;
}

export interface LooseState {
  sip: SipCore;
  /** enable_double_rr: when not 0, an r2 entry of ours is followed by its twin */
  doubleRr: number;
}

function uriParams(u: SipUri): string {
  return [...u.params].map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(';');
}

function isOurs(st: LooseState, u: SipUri): boolean {
  return st.sip.myself.host(u.host, u.port ?? (u.scheme === 'sips' ? 5061 : 5060)) || st.sip.myself.host(u.host, undefined);
}

function matched(ctx: ScriptContext, u: SipUri): void {
  ctx.ext ??= new Map();
  ctx.ext.set('rr', { params: uriParams(u) } satisfies RrMatch);
}

function parsed(r: NameAddr | undefined): SipUri | undefined {
  if (!r) return undefined;
  try {
    return parseUri(r.uri);
  } catch {
    return undefined;
  }
}

/** Our socket a Route entry names (proto, advertised or bound host, port), if any. */
function socketOf(st: LooseState, u: SipUri): Listener | undefined {
  const t = targetOf(u);
  const host = t.host.toLowerCase();
  return st.sip.listeners().find((l) => {
    if (l.proto !== t.proto || (l.advertisedPort ?? l.port) !== t.port) return false;
    const h = (l.advertisedHost ?? l.ip).toLowerCase();
    return h === host || h === `[${host}]`;
  });
}

/**
 * loose_route (RFC 3261 §16.4 and §16.12): drop our own topmost Route entry, send towards the
 * next Route ($du) or, with none left, the R-URI; undo a strict router's R-URI rewrite.
 * Double Record-Route: an entry of ours marked r2 is followed by our entry for the other
 * socket; both go, and the request leaves from the socket the second one names ($fs), which
 * is the one facing the next hop. 1 = routed by Route headers, -1 = no Route to follow.
 */
export function looseRoute(ctx: ScriptContext, st: LooseState): number {
  const msg = ctx.msg;
  // a strict router put our Record-Route into the R-URI: restore the original target (16.4)
  try {
    const ruri = parseUri(ctx.ruri());
    if (ruri.params.has('lr') && isOurs(st, ruri)) {
      const routes = msg.routes();
      const last = routes[routes.length - 1];
      if (!last) return -1;
      ctx.newRuri = last.uri;
      matched(ctx, ruri);
      return 1;
    }
  } catch {
    return -1;
  }
  let routes;
  try {
    routes = msg.routes();
  } catch {
    return -1;
  }
  if (routes.length === 0) return -1;
  const top = parsed(routes[0]);
  if (!top) return -1;
  if (!isOurs(st, top)) {
    // the first Route is not ours: send there (a preloaded route set)
    ctx.dstUri = routes[0]!.uri;
    return 1;
  }
  msg.removeFirstValue('route');
  matched(ctx, top);
  let next = 1;
  if (st.doubleRr !== 0 && top.params.has('r2')) {
    const twin = parsed(routes[1]);
    if (twin && twin.params.has('r2') && isOurs(st, twin)) {
      msg.removeFirstValue('route');
      next = 2;
      const l = socketOf(st, twin);
      if (l) ctx.forcedSocket = l;
    }
  }
  const hop = routes[next];
  if (hop) ctx.dstUri = hop.uri;
  return 1;
}
