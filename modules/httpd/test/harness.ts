import { pino } from 'pino';
import {
  createServerContainer,
  HookBus,
  LOGGER,
  MI,
  MiRegistry,
  STATS,
  StatsRegistry,
  type ModuleContext,
  type ModuleDefinition,
  type ParamSpec,
} from '@tsips/core';
import type { InjectionToken } from 'tsyringe';

/**
 * A hand-built module lifecycle for the httpd / mi_http / prometheus tests: init in the given
 * order, then childInit, destroy in reverse. It stands in for core's createTestServer(); the
 * tests only use `startModules`, `mi`, `stats`, `resolve` and `stop`, so switching is local
 * to this file.
 */
export interface TestModule {
  // any: each module has its own params/state types; the harness only passes them through
  def: ModuleDefinition<any, any>;
  params?: Record<string, unknown>;
}

export interface TestServer {
  mi: MiRegistry;
  stats: StatsRegistry;
  /** a service or module API from the server's container (e.g. HTTPD_API) */
  resolve<T>(token: InjectionToken<T>): T;
  stop(): Promise<void>;
}

export async function startModules(mods: readonly TestModule[], setup?: (s: { mi: MiRegistry; stats: StatsRegistry }) => void): Promise<TestServer> {
  const container = createServerContainer();
  const log = pino({ level: 'silent' });
  const mi = new MiRegistry();
  const stats = new StatsRegistry();
  container.register(LOGGER, { useValue: log });
  container.register(MI, { useValue: mi });
  container.register(STATS, { useValue: stats });
  setup?.({ mi, stats });
  const hooks = new HookBus();
  const started: { def: TestModule['def']; ctx: ModuleContext; state: unknown }[] = [];
  const stop = async (): Promise<void> => {
    for (const m of started.reverse()) await m.def.destroy?.(m.state);
    started.length = 0;
  };
  try {
    for (const { def, params } of mods) {
      const values: Record<string, unknown> = {};
      for (const [k, spec] of Object.entries<ParamSpec>(def.params ?? {})) values[k] = params?.[k] ?? spec.default;
      const ctx: ModuleContext = {
        name: def.name,
        params: Object.freeze(values) as ModuleContext['params'],
        log: log.child({ module: def.name }),
        container,
        hooks,
        stat: (name) => stats.counter(def.name, name),
        statFn: (name, read) => stats.fn(def.name, name, read),
        resolve: (token) => container.resolve(token),
        provide: (token, value) => void container.register(token, { useValue: value }),
      };
      started.push({ def, ctx, state: await def.init?.(ctx) });
    }
    for (const m of started) await m.def.childInit?.(m.ctx, m.state);
  } catch (err) {
    await stop();
    throw err;
  }
  return { mi, stats, resolve: (token) => container.resolve(token), stop };
}
