import { defineModule, bool, int, RouteType, SIP_CORE } from '@tsips/core';
import { looseRoute, type LooseState, type RrMatch } from './loose.js';
import { recordRoute, recordRoutePreset, type RrConfig } from './record.js';

const { REQUEST, FAILURE, BRANCH } = RouteType;

type RrState = RrConfig & LooseState;

/** rr: Record-Route and loose routing (OpenSIPS rr). */
export default defineModule({
  name: 'rr',
  doc: 'Record-Route and loose routing',
  params: {
    append_fromtag: bool({ default: true, doc: 'add ;ftag=<From tag> to Record-Route (is_direction needs it)' }),
    enable_double_rr: int({ default: 1, min: 0, max: 2, doc: 'two Record-Routes (r2=on) when the request leaves on another socket; 2: always' }),
    enable_full_lr: bool({ default: false, doc: 'write ;lr=on instead of ;lr' }),
  },
  cmds: {
    record_route: {
      args: [{ kind: 'str', optional: true }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: 'add our Record-Route (optionally with ";p=v" params); two when the outgoing socket differs',
      run: (ctx, st: RrState, params?: string) => recordRoute(ctx, st, params),
    },
    record_route_preset: {
      args: [{ kind: 'str' }, { kind: 'str', optional: true }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: 'add a Record-Route with the given host[:port][;params]; with a second address two (outbound, inbound)',
      run: (ctx, st: RrState, addr: string, addr2?: string) => recordRoutePreset(ctx, st, addr, addr2),
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
  init: (ctx): RrState => ({
    sip: ctx.resolve(SIP_CORE),
    appendFromtag: ctx.params.append_fromtag,
    doubleRr: ctx.params.enable_double_rr,
    lr: ctx.params.enable_full_lr ? ';lr=on' : ';lr',
  }),
});
