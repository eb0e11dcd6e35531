import type { InjectionToken } from 'tsyringe';
import type { ModuleContext } from './define.js';
import type { LoadedModule } from './loaded.js';
import type { TsipsServer } from '../server.js';

/** The ModuleContext a module's init/childInit gets: its params, logger, stats, DI and hooks. */
export function createModuleContext(m: LoadedModule, server: TsipsServer): ModuleContext {
  const name = m.def.name;
  const declared = new Map<string, { noReset: boolean }>();
  for (const s of m.def.stats ?? []) {
    const spec = typeof s === 'string' ? { name: s } : s;
    declared.set(spec.name, { noReset: spec.noReset ?? false });
  }
  return {
    name,
    params: m.params as ModuleContext['params'],
    log: server.log.child({ module: name }),
    container: server.container,
    hooks: server.hooks,
    stat(stat: string) {
      const d = declared.get(stat);
      if (!d) throw new Error(`module ${name}: statistic "${stat}" is not declared in its stats list`);
      return server.stats.counter(name, stat, { noReset: d.noReset });
    },
    statFn(stat: string, read: () => number) {
      server.stats.fn(name, stat, read);
    },
    resolve<T>(token: InjectionToken<T>): T {
      return server.container.resolve(token);
    },
    provide<T>(token: InjectionToken<T>, value: T) {
      server.container.register(token, { useValue: value });
    },
  };
}
