import type { ModuleDefinition, CmdSpec } from './define.js';
import type { LoadedModule } from './loaded.js';
import type { ResolvedCmd, ResolvedPv, ScriptSymbols, StateCell } from '../script/symbols.js';

interface Provider {
  def: ModuleDefinition;
  state: StateCell;
  params?: Readonly<Record<string, unknown>>;
}

/**
 * The names the script can use: the core library plus every loaded module. Lookups follow
 * OpenSIPS: the most recently loaded module wins a name clash (the core's names come last).
 */
export class ModuleSymbols implements ScriptSymbols {
  private readonly cmds = new Map<string, ResolvedCmd>();
  private readonly pvs = new Map<string, ResolvedPv>();
  private readonly events = new Set<string>();

  constructor(
    core: Provider,
    modules: readonly LoadedModule[],
    private readonly isMyself: (value: string) => boolean,
  ) {
    for (const p of [core, ...modules]) this.add(p);
  }

  private add(p: Provider): void {
    for (const [name, spec] of Object.entries(p.def.cmds ?? {})) {
      const overloads = (Array.isArray(spec) ? spec : [spec]) as readonly CmdSpec[];
      this.cmds.set(name, { module: p.def.name, name, overloads, state: p.state, params: p.params });
    }
    for (const [name, spec] of Object.entries(p.def.pvs ?? {})) this.pvs.set(name, { module: p.def.name, name, spec: spec as ResolvedPv['spec'], state: p.state });
    for (const e of p.def.events ?? []) this.events.add(e);
  }

  cmd(name: string): ResolvedCmd | undefined {
    return this.cmds.get(name);
  }
  pv(name: string): ResolvedPv | undefined {
    return this.pvs.get(name);
  }
  cmdNames(): string[] {
    return [...this.cmds.keys()];
  }
  event(name: string): boolean {
    return this.events.has(name);
  }
  myself(value: string): boolean {
    return this.isMyself(value);
  }
}
