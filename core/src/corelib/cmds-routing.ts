import type { CmdSpec } from '../module/define.js';
import { RouteType } from '../script/route-type.js';
import { forwardStateless } from '../routing/forward.js';
import { editRuri } from './uri-edit.js';
import type { CoreLibState } from './state.js';

type Cmd = CmdSpec<CoreLibState>;
const { REQUEST, FAILURE, BRANCH, ONREPLY } = RouteType;

const ruriEdit = (edit: (u: import('../sip/uri.js').SipUri, v: string) => void): Cmd => ({
  args: [{ kind: 'str' }],
  routes: REQUEST | FAILURE | BRANCH,
  run: (ctx, _s, v: string) => editRuri(ctx, (u) => edit(u, v)),
});

const setRuri: Cmd = {
  args: [{ kind: 'str' }],
  routes: REQUEST | FAILURE | BRANCH,
  run: (ctx, _s, v: string) => {
    ctx.newRuri = v;
    return 1;
  },
};

/** Core functions that change where a request goes and send it (OpenSIPS core). */
export const routingCmds: Record<string, Cmd | Cmd[]> = {
  forward: {
    args: [{ kind: 'str', optional: true }],
    routes: REQUEST | FAILURE | BRANCH,
    doc: 'stateless relay to the given URI, else $du, else the R-URI',
    run: (ctx, st, uri?: string) => forwardStateless(st.sip, ctx, uri),
  },
  seturi: setRuri,
  rewriteuri: setRuri,
  revert_uri: { routes: REQUEST | FAILURE | BRANCH, run: (ctx) => ((ctx.newRuri = null), 1) },
  rewritehost: ruriEdit((u, v) => void (u.host = v)),
  sethost: ruriEdit((u, v) => void (u.host = v)),
  rewriteuser: ruriEdit((u, v) => void (u.user = v || undefined)),
  setuser: ruriEdit((u, v) => void (u.user = v || undefined)),
  rewriteport: ruriEdit((u, v) => void (u.port = v ? Number(v) : undefined)),
  setport: ruriEdit((u, v) => void (u.port = v ? Number(v) : undefined)),
  rewritehostport: ruriEdit((u, v) => {
    const i = v.lastIndexOf(':');
    const isV6 = v.startsWith('[');
    if (i > 0 && (!isV6 || v[i - 1] === ']')) {
      u.host = v.slice(0, i);
      u.port = Number(v.slice(i + 1));
    } else {
      u.host = v;
      u.port = undefined;
    }
  }),
  prefix: ruriEdit((u, v) => void (u.user = v + (u.user ?? ''))),
  strip: {
    args: [{ kind: 'int' }],
    routes: REQUEST | FAILURE | BRANCH,
    run: (ctx, _s, n: number) => editRuri(ctx, (u) => void (u.user = (u.user ?? '').slice(n) || undefined)),
  },
  strip_tail: {
    args: [{ kind: 'int' }],
    routes: REQUEST | FAILURE | BRANCH,
    run: (ctx, _s, n: number) => editRuri(ctx, (u) => void (u.user = (u.user ?? '').slice(0, Math.max(0, (u.user ?? '').length - n)) || undefined)),
  },
  setdsturi: { args: [{ kind: 'str' }], routes: REQUEST | FAILURE | BRANCH, run: (ctx, _s, v: string) => ((ctx.dstUri = v), 1) },
  resetdsturi: { routes: REQUEST | FAILURE | BRANCH, run: (ctx) => ((ctx.dstUri = null), 1) },
  isdsturiset: { routes: REQUEST | FAILURE | BRANCH, run: (ctx) => (ctx.dstUri ? 1 : -1) },
  append_branch: [
    {
      args: [{ kind: 'str', optional: true }, { kind: 'str', optional: true }],
      routes: REQUEST | FAILURE,
      doc: 'add a branch (the given URI, else the current R-URI and $du) with an optional q value',
      run: (ctx, _s, uri?: string, q?: string) => {
        const qv = q === undefined ? -1 : Math.round(Number.parseFloat(q) * 1000);
        if (Number.isNaN(qv)) return -1;
        (ctx.branches ??= []).push({
          uri: uri ?? ctx.ruri(),
          dstUri: uri === undefined ? ctx.dstUri : null,
          q: qv,
          flags: ctx.bflags,
          socket: ctx.forcedSocket,
        });
        return 1;
      },
    },
  ],
  force_rport: {
    routes: REQUEST | FAILURE | BRANCH | ONREPLY,
    doc: 'answer to the source port as if the client had asked for rport (RFC 3581)',
    run: (ctx) => {
      if (!ctx.msg.isRequest) return -1;
      ctx.msg.addViaParam('rport', String(ctx.rcv.srcPort));
      return 1;
    },
  },
  force_send_socket: {
    args: [
      {
        kind: 'str',
        fixup: (v) => {
          const m = /^(?:(udp|tcp|tls|ws|wss|sctp):)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/i.exec(String(v).trim());
          if (!m) throw new Error(`bad socket "${v}": expected proto:ip[:port]`);
          const ip = m[2]!.replace(/^\[|\]$/g, '');
          return `${(m[1] ?? 'udp').toLowerCase()}:${ip}:${m[3] ?? 5060}`;
        },
      },
    ],
    routes: REQUEST | FAILURE | BRANCH | ONREPLY,
    run: (ctx, st, name: string) => {
      const l = st.sip.listeners().find((x) => `${x.proto}:${x.ip}:${x.port}` === name);
      if (!l) return -1;
      ctx.forcedSocket = l;
      return 1;
    },
  },
  force_tcp_alias: {
    args: [{ kind: 'int', optional: true }],
    routes: REQUEST,
    doc: 'make the current TCP connection reachable as <source ip>:<port> (RFC 5923); default port: the top Via port',
    run: (ctx, st, port?: number) => {
      if (ctx.rcv.conId === 0 || !st.tcp) return -1;
      const p = port ?? ctx.msg.via1.port ?? 5060;
      return st.tcp.addAlias(ctx.rcv.conId, p) === 'ok' ? 1 : -1;
    },
  },
};
