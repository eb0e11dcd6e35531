import { ConnState, RouteType, type CmdSpec, type PvRef, type ScriptContext } from '@tsips/core';
import { parsePeer } from './address.js';
import { CLOSED_EVENT, connById, msgConn, type TcpopsState } from './state.js';

/*
 * The tcpops script functions with Kamailio's return codes (tcp-core.md §7). Overloads differ
 * by argument count: the form without a conid works on the current message's connection and
 * is allowed only where there is one (request and reply routes).
 */

type Cmd = CmdSpec<TcpopsState>;
const ON_MSG = RouteType.REQUEST | RouteType.ONREPLY;
const INT = { kind: 'int' } as const;

/** Kamailio's tcp_conid_state codes for the TCP manager states */
function conidState(st: TcpopsState, id: number): number {
  const c = connById(st, id);
  if (!c) return -1;
  switch (c.state) {
    case ConnState.OK:
      return 1;
    case ConnState.CONNECTING:
      return 3;
    case ConnState.EOF:
      return -2;
    case ConnState.ERROR:
      return -3;
    case ConnState.BAD:
      return -4;
    default:
      return 1; // an unexpected state counts as OK, as in Kamailio
  }
}

const STREAM_PROTOS = ['tcp', 'tls', 'ws', 'wss', 'bin', 'bins', 'hep_tcp', 'hep_tls', 'msrp', 'msrps', 'smpp'];

/** The id of a usable connection to the peer over any stream proto the server runs; 0 none; undefined bad address. */
function findPeer(st: TcpopsState, text: string): number | undefined {
  const peer = parsePeer(text);
  if (!peer) {
    st.log.warn({ address: text }, 'tcpops: not an IP address with optional port, nor a sip:/sips: URI with an IP host');
    return undefined;
  }
  for (const proto of STREAM_PROTOS) {
    if (!st.tcp.hasProto(proto)) continue;
    const c = st.tcp.findByAddress(proto, peer.ip, peer.port);
    if (c) return c.id;
  }
  return 0;
}

function keepaliveOn(st: TcpopsState, id: number, idle: number, count: number, interval: number): number {
  if (idle < 0 || count < 0 || interval < 0) return -1;
  return st.tcp.setKeepalive(id, { enable: true, idle, count, interval }) ? 1 : -1;
}

function keepaliveOff(st: TcpopsState, id: number): number {
  return st.tcp.setKeepalive(id, { enable: false, idle: 0, count: 0, interval: 0 }) ? 1 : -1;
}

/**
 * Set (not extend) the idle deadline. The connection of a running close event has left the
 * manager already: for it nothing is set, and the call still succeeds.
 */
function setLifetime(st: TcpopsState, id: number, secs: number): number {
  if (secs < 0) return -1;
  st.tcp.setLifetime(id, secs, 'set');
  st.log.debug({ conId: id, lifetime: secs }, 'tcpops: new connection lifetime');
  return 1;
}

/** tcp_set_otcpid state of one message: the id and whether sending uses it */
interface Otcpid {
  id: number;
  use: boolean;
}
function otcpid(ctx: ScriptContext): Otcpid {
  const ext = (ctx.ext ??= new Map());
  let o = ext.get('tcpops') as Otcpid | undefined;
  if (!o) {
    o = { id: ctx.outConId, use: ctx.outConId !== 0 };
    ext.set('tcpops', o);
  }
  return o;
}

/**
 * Kamailio closes through TCP main, after the current message: replies sent meanwhile go out.
 * The connection whose close event is running counts as found (it is closing anyway).
 */
function requestClose(st: TcpopsState, id: number): number {
  if (id === 0 || !connById(st, id)) return -1;
  setImmediate(() => st.tcp.close(id));
  return 1;
}

export const cmds: Record<string, Cmd | Cmd[]> = {
  tcp_conid_alive: { args: [INT], run: (_ctx, st, id: number) => (conidState(st, id) >= 1 ? 1 : -1) },

  tcp_conid_state: { args: [INT], run: (_ctx, st, id: number) => conidState(st, id) },

  tcp_con_alive: {
    args: [{ kind: 'str' }],
    run: (_ctx, st, addr: string) => {
      const id = findPeer(st, addr);
      return id ? 1 : -1;
    },
  },

  tcp_get_conid: {
    args: [{ kind: 'str' }, { kind: 'var' }],
    run: (ctx, st, addr: string, pv: PvRef) => {
      const id = findPeer(st, addr);
      if (id === undefined) return -1;
      pv.set(ctx, id);
      return id ? 1 : -1;
    },
  },

  tcp_keepalive_enable: [
    { args: [INT, INT, INT, INT], run: (_ctx, st, id: number, idle: number, cnt: number, intvl: number) => keepaliveOn(st, id, idle, cnt, intvl) },
    {
      args: [INT, INT, INT],
      routes: ON_MSG,
      run: (ctx, st, idle: number, cnt: number, intvl: number) => {
        const c = msgConn(st, ctx);
        return c ? keepaliveOn(st, c.id, idle, cnt, intvl) : -1;
      },
    },
  ],

  tcp_keepalive_disable: [
    { args: [INT], run: (_ctx, st, id: number) => keepaliveOff(st, id) },
    {
      routes: ON_MSG,
      run: (ctx, st) => {
        const c = msgConn(st, ctx);
        return c ? keepaliveOff(st, c.id) : -1;
      },
    },
  ],

  tcp_set_connection_lifetime: [
    {
      args: [INT, INT],
      run: (_ctx, st, id: number, secs: number) => {
        if (!connById(st, id)) {
          st.log.error({ conId: id }, 'tcpops: tcp_set_connection_lifetime: no such connection (returns 0: the script stops)');
          return 0;
        }
        return setLifetime(st, id, secs);
      },
    },
    {
      args: [INT],
      routes: ON_MSG,
      run: (ctx, st, secs: number) => {
        const c = msgConn(st, ctx);
        return c && st.tcp.get(c.id) ? setLifetime(st, c.id, secs) : -1;
      },
    },
  ],

  tcp_enable_closed_event: [
    {
      args: [INT],
      run: (_ctx, st, id: number) => {
        const c = connById(st, id);
        if (!c) {
          st.log.error({ conId: id }, 'tcpops: tcp_enable_closed_event: no such connection (returns 0: the script stops)');
          return 0;
        }
        c.closedEvent = true;
        return 1;
      },
    },
    {
      routes: ON_MSG,
      run: (ctx, st) => {
        if (st.mode !== CLOSED_EVENT.FLAGGED) {
          st.log.warn('tcpops: tcp_enable_closed_event() without a conid works only with modparam("tcpops", "closed_event", 2)');
          return -1;
        }
        const c = msgConn(st, ctx);
        const live = c && st.tcp.get(c.id);
        if (!live) return -1;
        live.closedEvent = true;
        return 1;
      },
    },
  ],

  tcp_set_otcpid: {
    args: [INT],
    run: (ctx, _st, id: number) => {
      if (id < 0) return -1;
      const o = otcpid(ctx);
      o.id = id;
      if (o.use) ctx.outConId = id;
      return 1;
    },
  },

  tcp_set_otcpid_flag: {
    args: [INT],
    run: (ctx, _st, mode: number) => {
      const o = otcpid(ctx);
      o.use = mode !== 0;
      ctx.outConId = o.use ? o.id : 0;
      return 1;
    },
  },

  tcp_close_connection: [
    { run: (ctx, st) => requestClose(st, ctx.rcv.conId) },
    { args: [INT], run: (_ctx, st, id: number) => requestClose(st, id) },
  ],
};
