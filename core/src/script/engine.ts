import { formatLocation } from '../errors.js';
import { Flow, type ScriptContext } from './context.js';
import { ROUTE_KIND_BITS, routeLabel, type CompiledRoute, type RouteTable } from './routes.js';

/**
 * Runs compiled routes. `run` is the executor boundary: it starts the route with a clean
 * flow, sets ctx.routeType for a top-level route, and turns the way the route ended into
 * OpenSIPS' return code: the value of return(n), 0 after exit/drop (or return(0)), 1 when it
 * fell off the end, -1 when an exception escaped it (logged and counted).
 * ctx.dropped stays set after `drop` for the caller to act on.
 */
export class ScriptEngine {
  constructor(private readonly table: RouteTable) {}

  get routes(): RouteTable {
    return this.table;
  }

  run(route: CompiledRoute, ctx: ScriptContext): number {
    ctx.flow = Flow.NEXT;
    const bit = ROUTE_KIND_BITS[route.kind];
    if (bit !== 0) ctx.routeType = bit;
    const env = this.table.env;
    const depth = env.routeDepth;
    try {
      route.run(ctx);
    } catch (err) {
      env.routeDepth = depth;
      env.counters.routeExceptions++;
      env.log?.error(
        { err, route: routeLabel(route.kind, route.name), loc: formatLocation(route.loc) },
        `exception in ${routeLabel(route.kind, route.name)}: ${(err as Error).message}; route stopped`,
      );
      ctx.flow = Flow.EXIT;
      return -1;
    }
    const flow = ctx.flow;
    return flow === Flow.RETURN ? ctx.ret : flow === Flow.EXIT ? 0 : 1;
  }

  namedRoute(name: string): CompiledRoute | undefined {
    return this.table.named.get(name);
  }

  failureRoute(name: string): CompiledRoute | undefined {
    return this.table.failure.get(name);
  }

  /** `onreply_route[name]`; without a name, the global `onreply_route { }` */
  onreplyRoute(name?: string): CompiledRoute | undefined {
    return name === undefined ? (this.table.onreplyDefault ?? undefined) : this.table.onreply.get(name);
  }

  branchRoute(name: string): CompiledRoute | undefined {
    return this.table.branch.get(name);
  }

  eventRoute(name: string): CompiledRoute | undefined {
    return this.table.event.get(name);
  }
}
