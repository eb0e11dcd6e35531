import { dirname, resolve } from 'node:path';
import { defineModule, str, CORE_CONFIG, EVENTS, HOOKS, SCRIPT, SYMBOLS, TsipsError } from '@tsips/core';
import { APP_TS_API } from './api.js';
import { Callbacks } from './callbacks.js';
import { buildKsr } from './ksr.js';
import { ArgConverter, PvCache } from './ksr-args.js';
import { moduleNamespaces } from './ksr-modules.js';
import { loadRoutingFile, ROUTING_FILE } from './load.js';
import { Runner } from './runner.js';

export { APP_TS_API, type AppTsApi } from './api.js';
export type * from './ksr-types.js';

interface AppTsState {
  file: string;
  callbacks: Callbacks;
}

/**
 * app_ts: routing callbacks written in TypeScript, Kamailio KEMI style (app_lua, app_python3).
 * `modparam("app_ts", "load", "./routes.ts")` names a file whose exported functions get a
 * `ksr` object acting on the current message: `ksr.sl.sl_send_reply(200, "OK")`.
 */
export default defineModule({
  name: 'app_ts',
  doc: 'TypeScript routing callbacks (KEMI style)',
  params: {
    load: str({
      optional: true,
      validate: (v: string) => (ROUTING_FILE.test(v) ? undefined : `expects a .ts, .mts, .js or .mjs file, got "${v}"`),
      doc: 'the routing file, relative to the config file (required)',
    }),
    request_route_callback: str({ default: 'request', doc: 'function run for every request instead of the script route; "" = none' }),
    reply_route_callback: str({ default: '', doc: 'function run for every reply before tm/stateless relay; "" = none' }),
    event_route_callback: str({ default: '', doc: 'function run for the events named by subscribe_event' }),
    subscribe_event: str({ repeat: true, doc: 'an event whose raises call event_route_callback (repeatable)' }),
  },
  stats: ['errors'],
  cmds: {
    ts_run: {
      args: [{ kind: 'str' }, { kind: 'str', optional: true }, { kind: 'str', optional: true }],
      doc: 'ts_run(fn [, p1 [, p2]]): call fn(ksr, p1, p2) of the routing file from the script; its code (0 = exit)',
      run: (ctx, st: AppTsState, fn: string, a?: string, b?: string) => st.callbacks.run(fn, ctx, a, b),
    },
  },
  async init(ctx): Promise<AppTsState> {
    const p = ctx.params;
    if (!p.load)
      throw new TsipsError('APP_TS_ERR_PARAM', 'app_ts needs a routing file', { hint: 'add modparam("app_ts", "load", "./routes.ts")' });
    const file = resolve(dirname(ctx.resolve(CORE_CONFIG).file), p.load);
    const exports = await loadRoutingFile(file);

    const engine = ctx.resolve(SCRIPT);
    const symbols = ctx.resolve(SYMBOLS);
    const runner = new Runner(ctx.log, ctx.stat('errors'));
    const pvs = new PvCache(engine.routes.env);
    const modules = moduleNamespaces(symbols, runner, new ArgConverter(pvs, engine));
    runner.ksr = buildKsr({ runner, pvs, engine, log: ctx.log, modules });

    const callbacks = new Callbacks(runner, exports, file);
    callbacks.wire(
      { request: p.request_route_callback, reply: p.reply_route_callback, event: p.event_route_callback, subscribe: p.subscribe_event },
      ctx.resolve(HOOKS),
      ctx.resolve(EVENTS),
      symbols,
    );
    ctx.provide(APP_TS_API, callbacks);
    ctx.log.info({ file, modules: [...modules.keys()] }, 'app_ts: routing file loaded');
    return { file, callbacks };
  },
});
