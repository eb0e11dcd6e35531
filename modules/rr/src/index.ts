import { defineModule, bool, RouteType, SIP_CORE, advertisedHostPort, parseUri, type ScriptContext, type SipCore, type SipUri } from '@tsips/core';

const { REQUEST, FAILURE, BRANCH } = RouteType;

interface RrState {
  sip: SipCore;
  appendFromtag: boolean;
}

/** What loose_route() found in our own Route entry: its URI params ($rr_params). */
interface RrMatch {
  params: string;
}

function rrHeader(ctx: ScriptContext, st: RrState, extra: string): string | undefined {
  const l = ctx.rcv.listener;
  if (!l) return undefined;
  const transport = l.proto === 'udp' ? '' : `;transport=${l.proto}`;
  let ftag = '';
  if (st.appendFromtag) {
    try {
      if (ctx.msg.fromTag) ftag = `;ftag=${ctx.msg.fromTag}`;
    } catch {
      // no usable From: no ftag
    }
  }
  return `Record-Route: <sip:${advertisedHostPort(l)}${transport};lr${ftag}${extra}>`;
}

function uriParams(u: SipUri): string {
  return [...u.params].map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(';');
}

function isOurs(st: RrState, u: SipUri): boolean {
  return st.sip.myself.host(u.host, u.port ?? (u.scheme === 'sips' ? 5061 : 5060)) || st.sip.myself.host(u.host, undefined);
}

/**
 * loose_route (RFC 3261 §16.4 and §16.12): drop our own topmost Route entry, send towards the
 * next Route ($du) or, with none left, the R-URI; undo a strict router's R-URI rewrite.
 * 1 = routed by Route headers, -1 = no Route to follow.
 */
function looseRoute(ctx: ScriptContext, st: RrState): number {
  const msg = ctx.msg;
  // a strict router put our Record-Route into the R-URI: restore the original target (16.4)
  try {
    const ruri = parseUri(ctx.ruri());
    if (ruri.params.has('lr') && isOurs(st, ruri)) {
      const routes = msg.routes();
      const last = routes[routes.length - 1];
      if (!last) return -1;
      ctx.newRuri = last.uri;
      ctx.ext ??= new Map();
      ctx.ext.set('rr', { params: uriParams(ruri) } satisfies RrMatch);
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
  let top: SipUri;
  try {
    top = parseUri(routes[0]!.uri);
  } catch {
    return -1;
  }
  if (isOurs(st, top)) {
    msg.removeFirstValue('route');
    ctx.ext ??= new Map();
    ctx.ext.set('rr', { params: uriParams(top) } satisfies RrMatch);
    const next = routes[1];
    if (next) ctx.dstUri = next.uri;
    return 1;
  }
  // the first Route is not ours: send there (a preloaded route set)
  ctx.dstUri = routes[0]!.uri;
  return 1;
}

/** rr: Record-Route and loose routing (OpenSIPS rr). */
export default defineModule({
  name: 'rr',
  doc: 'Record-Route and loose routing',
  params: {
    append_fromtag: bool({ default: true, doc: 'add ;ftag=<From tag> to Record-Route (is_direction needs it)' }),
  },
  cmds: {
    record_route: {
      args: [{ kind: 'str', optional: true }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: 'add our Record-Route (optionally with ";p=v" params)',
      run: (ctx, st: RrState, params?: string) => {
        const h = rrHeader(ctx, st, params ? (params.startsWith(';') ? params : `;${params}`) : '');
        if (!h || !ctx.msg.isRequest) return -1;
        ctx.msg.insertHeaderFirst(h);
        return 1;
      },
    },
    record_route_preset: {
      args: [{ kind: 'str' }, { kind: 'str', optional: true }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: 'add a Record-Route with the given host[:port] instead of our socket address',
      run: (ctx, _st: RrState, hostport: string, params?: string) => {
        if (!ctx.msg.isRequest) return -1;
        const uri = hostport.startsWith('sip') ? hostport : `sip:${hostport}`;
        ctx.msg.insertHeaderFirst(`Record-Route: <${uri};lr${params ? (params.startsWith(';') ? params : `;${params}`) : ''}>`);
        return 1;
      },
    },
    loose_route: {
      routes: REQUEST,
      doc: '1: routed by Route headers ($du set to the next hop); -1: none to follow',
      run: (ctx, st: RrState) => looseRoute(ctx, st),
    },
    check_route_param: {
      args: [{ kind: 'regex' }],
      routes: REQUEST,
      run: (ctx, _st: RrState, re: RegExp) => {
        const m = ctx.ext?.get('rr') as RrMatch | undefined;
        return m && re.test(m.params) ? 1 : -1;
      },
    },
    is_direction: {
      args: [{ kind: 'str', static: true, fixup: (v) => {
        const d = String(v).toLowerCase();
        if (d !== 'downstream' && d !== 'upstream') throw new Error('expects "downstream" or "upstream"');
        return d;
      } }],
      routes: REQUEST,
      doc: 'compares the ftag of our Route with the From tag (needs append_fromtag)',
      run: (ctx, _st: RrState, dir: string) => {
        const m = ctx.ext?.get('rr') as RrMatch | undefined;
        const ftag = m && /(?:^|;)ftag=([^;]*)/.exec(m.params)?.[1];
        if (!ftag) return -1;
        const down = ctx.msg.fromTag === ftag;
        return (dir === 'downstream') === down ? 1 : -1;
      },
    },
  },
  pvs: {
    rr_params: {
      get: (ctx) => (ctx.ext?.get('rr') as RrMatch | undefined)?.params ?? null,
    },
  },
  init: (ctx): RrState => ({ sip: ctx.resolve(SIP_CORE), appendFromtag: ctx.params.append_fromtag }),
});
