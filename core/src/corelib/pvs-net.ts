import { isIPv6 } from 'node:net';
import type { PvSpec } from '../module/define.js';
import type { CoreLibState } from './state.js';

type Pv = PvSpec<CoreLibState>;

const SOCKET_PARTS = ['ip', 'port', 'proto', 'name', 'tag', 'af', 'advertised_ip', 'advertised_port'] as const;
type SocketPart = (typeof SOCKET_PARTS)[number];

/** Strftime subset for $time(format): %Y %m %d %H %M %S %s %j %a %b %Z and %%. */
function strftime(fmt: string, d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return fmt.replace(/%([YmdHMSsjabZ%])/g, (_, c: string) => {
    switch (c) {
      case 'Y':
        return String(d.getFullYear());
      case 'm':
        return p2(d.getMonth() + 1);
      case 'd':
        return p2(d.getDate());
      case 'H':
        return p2(d.getHours());
      case 'M':
        return p2(d.getMinutes());
      case 'S':
        return p2(d.getSeconds());
      case 's':
        return String(Math.floor(d.getTime() / 1000));
      case 'j':
        return String(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1).padStart(3, '0');
      case 'a':
        return days[d.getDay()]!;
      case 'b':
        return months[d.getMonth()]!;
      case 'Z':
        return Intl.DateTimeFormat([], { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
      default:
        return '%';
    }
  });
}

/** Pseudo-variables about where the message came from and the process (OpenSIPS core PVs). */
export const netPvs: Record<string, Pv> = {
  si: { get: (ctx) => ctx.rcv.srcIp },
  sp: { get: (ctx) => ctx.rcv.srcPort },
  Ri: { get: (ctx) => ctx.rcv.dstIp },
  Rp: { get: (ctx) => ctx.rcv.dstPort },
  proto: { get: (ctx) => ctx.rcv.proto },
  pr: { get: (ctx) => ctx.rcv.proto },
  af: { get: (ctx) => (isIPv6(ctx.rcv.srcIp) ? 'INET6' : 'INET') },
  conid: { get: (ctx) => (ctx.rcv.conId === 0 ? null : ctx.rcv.conId) },
  socket_in: {
    name: 'optional',
    parseName: (inner: string): SocketPart => {
      const p = (inner || 'name').trim().toLowerCase() as SocketPart;
      if (!SOCKET_PARTS.includes(p)) throw new Error(`$socket_in(${inner}): expected one of ${SOCKET_PARTS.join(', ')}`);
      return p;
    },
    get: (ctx, _s, part: SocketPart) => {
      const l = ctx.rcv.listener;
      if (!l) return null;
      switch (part) {
        case 'ip':
          return l.ip;
        case 'port':
          return l.port;
        case 'proto':
          return l.proto;
        case 'tag':
          return l.tag ?? null;
        case 'af':
          return l.family === 6 ? 'INET6' : 'INET';
        case 'advertised_ip':
          return l.advertisedHost ?? null;
        case 'advertised_port':
          return l.advertisedPort ?? null;
        default:
          return l.name;
      }
    },
  },
  fs: {
    get: (ctx) => ctx.forcedSocket?.name ?? null,
    set: (ctx, st, _n, v) => {
      if (v === null || v === '') ctx.forcedSocket = null;
      else ctx.forcedSocket = st.sip.listeners().find((l) => l.name === String(v).toLowerCase()) ?? null;
    },
  },
  Ts: { get: () => Math.floor(Date.now() / 1000) },
  Tsm: { get: () => (Date.now() % 1000) * 1000 },
  Tf: { get: () => new Date().toString() },
  time: { name: 'required', parseName: (inner: string) => inner, get: (_ctx, _s, fmt: string) => strftime(fmt, new Date()) },
  pp: { get: () => process.pid },
};
