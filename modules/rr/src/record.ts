import { advertisedHostPort, type BuildOptions, type Listener, type ScriptContext } from '@tsips/core';

/** How record_route() writes our entries (module params). */
export interface RrConfig {
  appendFromtag: boolean;
  /** enable_double_rr: 0 never, 1 when the outgoing socket differs, 2 always (Kamailio) */
  doubleRr: number;
  /** ';lr', or ';lr=on' with enable_full_lr */
  lr: string;
}

/** One of our sockets as our URIs name it: proto and advertised host:port. */
export interface Side {
  proto: string;
  hostport: string;
}

export function sideOf(l: Listener): Side {
  return { proto: l.proto, hostport: advertisedHostPort(l) };
}

/**
 * The outgoing socket of a build, read from the Via the relay (forward, tm) pushes for it:
 * `SIP/2.0/TCP host:port;branch=...` (core viaValue). undefined without a Via.
 */
export function outgoingSide(via: string | undefined): Side | undefined {
  if (!via) return undefined;
  const sp = via.indexOf(' ');
  const slash = via.lastIndexOf('/', sp);
  if (sp < 0 || slash < 0) return undefined;
  let end = via.indexOf(';', sp);
  if (end < 0) end = via.length;
  return { proto: via.slice(slash + 1, sp).toLowerCase(), hostport: via.slice(sp + 1, end).trim() };
}

function fromTag(ctx: ScriptContext, cfg: RrConfig): string {
  if (!cfg.appendFromtag) return '';
  try {
    const tag = ctx.msg.fromTag;
    return tag ? `;ftag=${tag}` : '';
  } catch {
    return ''; // no usable From: no ftag
  }
}

/** `;p=v` from script input given with or without its leading ';' */
function paramText(p: string | undefined): string {
  return p ? (p.startsWith(';') ? p : `;${p}`) : '';
}

/**
 * `Record-Route: <sip:HOST:PORT[;transport=..][;r2=on];lr[;ftag=..][params]>`. A single entry
 * names UDP only implicitly; each entry of a pair carries its transport, so a UA that ignores
 * the default cannot mix them up.
 */
function rrLine(s: Side, pair: boolean, tail: string): string {
  const transport = pair || s.proto !== 'udp' ? `;transport=${s.proto}` : '';
  return `Record-Route: <sip:${s.hostport}${transport}${pair ? ';r2=on' : ''}${tail}>`;
}

/**
 * record_route([params]): our entry for the socket the request came in on. With double RR the
 * entry is rendered when each branch is built: a branch leaving on another socket (proto, IP
 * or port) gets two, the outgoing socket's topmost (it faces the callee, whose route set is
 * the Record-Route list in order) and the incoming one's below it (the caller's first hop).
 */
export function recordRoute(ctx: ScriptContext, cfg: RrConfig, params: string | undefined): number {
  const l = ctx.rcv.listener;
  if (!l || !ctx.msg.isRequest) return -1;
  const inSide = sideOf(l);
  const tail = `${cfg.lr}${fromTag(ctx, cfg)}${paramText(params)}`;
  const single = rrLine(inSide, false, tail);
  if (cfg.doubleRr === 0) {
    ctx.msg.insertHeaderFirst(single);
    return 1;
  }
  const always = cfg.doubleRr === 2;
  ctx.msg.insertHeaderFirstDeferred('Record-Route', (opts: BuildOptions | undefined) => {
    const out = outgoingSide(opts?.via);
    if (!out || (!always && out.proto === inSide.proto && out.hostport === inSide.hostport)) return single;
    return `${rrLine(out, true, tail)}\r\n${rrLine(inSide, true, tail)}`;
  });
  return 1;
}

/**
 * record_route_preset(addr [, addr2]): the given address(es) instead of our sockets. With
 * addr2 (needs enable_double_rr) two entries, addr topmost (the outbound interface) and addr2
 * (inbound) below, both marked r2 so loose_route() later removes the pair.
 */
export function recordRoutePreset(ctx: ScriptContext, cfg: RrConfig, addr: string, addr2: string | undefined): number {
  if (!ctx.msg.isRequest) return -1;
  if (addr2 !== undefined && cfg.doubleRr === 0) return -1;
  const tail = `${cfg.lr}${fromTag(ctx, cfg)}`;
  const line = (a: string, pair: boolean): string => {
    const uri = /^sips?:/i.test(a) ? a : `sip:${a}`;
    const r2 = pair && !/;r2=/i.test(uri) ? ';r2=on' : '';
    return `Record-Route: <${uri}${r2}${tail}>`;
  };
  // each insert goes on top: the inbound entry first
  if (addr2 !== undefined) ctx.msg.insertHeaderFirst(line(addr2, true));
  ctx.msg.insertHeaderFirst(line(addr, addr2 !== undefined));
  return 1;
}
