import { RouteType } from '../script/route-type.js';
import { dummyContext } from './dummy.js';
import type { TsipsServer } from '../server.js';

/**
 * Connect the script's non-SIP routes to their triggers: every event_route subscribes to its
 * event (OpenSIPS auto-subscribes "route:E_NAME"), timer_routes run on their interval, and
 * startup_route runs once before the first message is read.
 */
export function wireScriptRoutes(server: TsipsServer): void {
  const { engine, events, timers, log } = server;
  const routes = engine.routes;
  for (const [name, route] of routes.event) {
    events.subscribe(name, {
      name: `route:${name}`,
      deliver: (_event, params) => {
        const ctx = dummyContext(RouteType.EVENT);
        ctx.eventParams = params;
        engine.run(route, ctx);
      },
    });
  }
  for (const t of routes.timers) {
    timers.every(t.interval * 1000, () => {
      try {
        engine.run(t.route, dummyContext(RouteType.TIMER));
      } catch (err) {
        log.error({ err, route: t.name }, 'timer_route failed');
      }
    });
  }
  if (routes.startup) engine.run(routes.startup, dummyContext(RouteType.STARTUP));
}
