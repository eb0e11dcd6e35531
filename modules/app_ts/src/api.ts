import { apiToken, type ScriptContext } from '@tsips/core';

/**
 * What app_ts offers other modules (Kamailio KEMI event callbacks, module-interface.md §6): a
 * module whose `event_callback` param names a function calls it instead of event_route[...].
 * Resolve it once in init (declare `deps: [{ name: 'app_ts', optional: true }]` and check
 * `container.isRegistered(APP_TS_API)`).
 */
export interface AppTsApi {
  /** does the routing file export a function of that name */
  has(fnName: string): boolean;
  /**
   * Run `fnName(ksr, eventName)` with `ctx` as the current message (give it the route type
   * the call stands for, e.g. dummyContext(RouteType.EVENT)). Returns the function's code:
   * its number result, 0 after exit/drop, -1 when it threw or does not exist, else 1.
   */
  callEvent(fnName: string, eventName: string, ctx: ScriptContext): number;
}

export const APP_TS_API = apiToken<AppTsApi>('app_ts');
