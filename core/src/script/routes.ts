import type { Loc, RouteKind } from '../config/ast.js';
import type { ScriptContext } from './context.js';
import type { ScriptEnv } from './env.js';
import { RouteType } from './route-type.js';

/** One compiled route block. Run it through ScriptEngine.run (which handles flow and $rc). */
export interface CompiledRoute {
  readonly kind: RouteKind;
  readonly name: string | undefined;
  readonly loc: Loc;
  run(ctx: ScriptContext): void;
}

export interface TimerRoute {
  name: string;
  /** seconds */
  interval: number;
  route: CompiledRoute;
}

/** Every route of a compiled script, by table, plus the script's run-time environment. */
export interface RouteTable {
  /** `route { }` / `request_route { }` */
  request: CompiledRoute | null;
  /** `route[name]` */
  named: Map<string, CompiledRoute>;
  failure: Map<string, CompiledRoute>;
  /** `onreply_route[name]` */
  onreply: Map<string, CompiledRoute>;
  /** the global `onreply_route { }` */
  onreplyDefault: CompiledRoute | null;
  branch: Map<string, CompiledRoute>;
  /** `event_route[name]`, by event name */
  event: Map<string, CompiledRoute>;
  error: CompiledRoute | null;
  local: CompiledRoute | null;
  startup: CompiledRoute | null;
  timers: TimerRoute[];
  /** $var slots, $shv, counters, logger */
  env: ScriptEnv;
}

/** The RouteType bit of each top-level route kind (a named route has none of its own). */
export const ROUTE_KIND_BITS: Record<RouteKind, number> = {
  request: RouteType.REQUEST,
  route: 0,
  failure: RouteType.FAILURE,
  onreply: RouteType.ONREPLY,
  branch: RouteType.BRANCH,
  error: RouteType.ERROR,
  local: RouteType.LOCAL,
  startup: RouteType.STARTUP,
  timer: RouteType.TIMER,
  event: RouteType.EVENT,
};

const WORDS: Record<RouteKind, string> = {
  request: 'request_route',
  route: 'route',
  failure: 'failure_route',
  onreply: 'onreply_route',
  branch: 'branch_route',
  error: 'error_route',
  local: 'local_route',
  startup: 'startup_route',
  timer: 'timer_route',
  event: 'event_route',
};

/** `request_route`, `route[auth]`, `event_route[E_X]`: how messages name a route. */
export function routeLabel(kind: RouteKind, name?: string): string {
  return name === undefined ? WORDS[kind] : `${WORDS[kind]}[${name}]`;
}
