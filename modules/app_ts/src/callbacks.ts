import { dummyContext, RouteType, TsipsError, type EventBus, type HookBus, type ScriptContext, type ScriptSymbols, type ScriptValue } from '@tsips/core';
import type { AppTsApi } from './api.js';
import type { RoutingExports } from './load.js';
import type { Runner, UserFunction } from './runner.js';

export interface CallbackNames {
  request: string;
  reply: string;
  event: string;
  subscribe: readonly string[];
}

/** The default request callback may be absent (then the script's route handles requests). */
const DEFAULT_REQUEST = 'request';

/**
 * The routing file's functions and where they are called from: requests (instead of the
 * script's request route), replies (before tm / stateless relay), events (APP_TS_API for
 * other modules' event_callback params, and subscribe_event for the Event Interface).
 */
export class Callbacks implements AppTsApi {
  constructor(
    private readonly rt: Runner,
    private readonly exports: RoutingExports,
    private readonly file: string,
  ) {}

  has(fnName: string): boolean {
    return this.fn(fnName) !== undefined;
  }

  callEvent(fnName: string, eventName: string, ctx: ScriptContext): number {
    return this.run(fnName, ctx, eventName);
  }

  /** Run `fnName(ksr, a, b)` on `ctx` (ts_run, callEvent); -1 and an error counted when it does not exist. */
  run(fnName: string, ctx: ScriptContext, a?: unknown, b?: unknown): number {
    const f = this.fn(fnName);
    if (!f) {
      this.rt.fail(fnName, new Error(`${this.file} exports no function "${fnName}"`));
      return -1;
    }
    return this.rt.call(fnName, f, ctx, a, b);
  }

  /** Check the names given by the params and tap the hooks / subscribe the events they need. */
  wire(names: CallbackNames, hooks: HookBus, events: EventBus, symbols: ScriptSymbols): void {
    const rt = this.rt;
    if (names.request !== '') {
      const name = names.request;
      const f = name === DEFAULT_REQUEST ? this.fn(name) : this.required('request_route_callback', name);
      // last in line, so sl's ACK filter and tm's retransmission checks run first
      if (f)
        hooks.requestIn.tap({ name: 'app_ts', stage: 100 }, (ctx) => {
          rt.call(name, f, ctx);
          return false;
        });
    }
    if (names.reply !== '') {
      const name = names.reply;
      const f = this.required('reply_route_callback', name);
      // first in line: tm and the stateless relay still see the reply unless it was dropped
      hooks.replyIn.tap({ name: 'app_ts', stage: -100 }, (ctx) => {
        rt.call(name, f, ctx);
        return ctx.dropped ? true : undefined;
      });
    }
    if (names.subscribe.length > 0 && names.event === '')
      throw new TsipsError('APP_TS_ERR_PARAM', 'modparam("app_ts", "subscribe_event", ...) needs the function to call', {
        hint: 'set modparam("app_ts", "event_route_callback", "<function>")',
      });
    if (names.event !== '') {
      const name = names.event;
      const f = this.required('event_route_callback', name);
      for (const event of names.subscribe) {
        if (!event.startsWith('E_') && !symbols.event(event))
          throw new TsipsError('APP_TS_ERR_PARAM', `modparam("app_ts", "subscribe_event", "${event}"): no loaded module publishes this event`, {
            hint: 'custom events are named E_*; is the module that raises it loaded?',
          });
        events.subscribe(event, {
          name: `ts:${name}`,
          deliver: (ev, params) => {
            const ctx = dummyContext(RouteType.EVENT);
            ctx.eventParams = params;
            const obj: Record<string, ScriptValue> = {};
            for (const [k, v] of params) obj[k] = v;
            rt.call(name, f, ctx, ev, obj);
          },
        });
      }
    }
  }

  private fn(name: string): UserFunction | undefined {
    const f = this.exports[name];
    return typeof f === 'function' ? (f as UserFunction) : undefined;
  }

  private required(param: string, name: string): UserFunction {
    const f = this.fn(name);
    if (f) return f;
    const exported = Object.keys(this.exports).filter((k) => typeof this.exports[k] === 'function');
    throw new TsipsError('APP_TS_ERR_CALLBACK', `modparam("app_ts", "${param}", "${name}"): ${this.file} exports no function "${name}"`, {
      hint: exported.length ? `it exports: ${exported.join(', ')}` : `it exports no functions: write "export function ${name}(ksr: Ksr) { ... }"`,
    });
  }
}
