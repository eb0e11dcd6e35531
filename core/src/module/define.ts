import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { ParamSpec, ParamValues } from './params.js';
import type { ScriptContext } from '../script/context.js';
import type { ScriptValue } from '../script/values.js';
import type { MiCommandSpec } from '../mi/types.js';
import type { Stat, StatSpec } from '../stats/registry.js';
import type { HookBus } from '../hooks.js';
import type { ProtoHandler } from '../net/proto.js';

/** How a script function argument is given and what `run` receives for it. */
export type ArgKind =
  /** string; a literal may hold $pv references (formatted string) unless noExpand */
  | 'str'
  /** integer literal or a variable read as int */
  | 'int'
  /** a writable pseudo-variable: run receives a PvRef */
  | 'var'
  /** a regex (literal compiled once, case-insensitive) */
  | 'regex'
  /** a route name; checked to exist (routeKind) at compile time */
  | 'route'
  /** string or int, passed as evaluated */
  | 'any';

export interface ArgSpec {
  kind: ArgKind;
  optional?: boolean;
  noExpand?: boolean;
  /** only a literal is accepted (no variable, no formatted string) */
  static?: boolean;
  /** for kind 'route': which route table the name is looked up in */
  routeKind?: 'route' | 'failure' | 'onreply' | 'branch' | 'event' | 'local';
  /**
   * Convert the evaluated value once (for a literal: at compile time, so nothing is re-parsed
   * per message). Throw an Error whose message says what is wrong to reject the argument.
   * `params` are the owning module's typed params (set before the script compiles; absent
   * where a caller has none, e.g. app_ts), for checks such as "names a configured destination".
   */
  fixup?: (value: string | number, params?: Readonly<Record<string, unknown>>) => unknown;
}

/** A writable variable handed to a 'var' argument. */
export interface PvRef {
  readonly name: string;
  get(ctx: ScriptContext): ScriptValue;
  set(ctx: ScriptContext, value: ScriptValue): void;
}

/**
 * A script function. `run` returns OpenSIPS codes: >0 true, <0 false, 0 stop the script.
 * `routes` is the RouteType mask where it may be called (default: everywhere).
 */
export interface CmdSpec<S = unknown> {
  args?: readonly ArgSpec[];
  routes?: number;
  doc?: string;
  run(ctx: ScriptContext, state: S, ...args: any[]): number;
}

/** A pseudo-variable `$name` or `$name(inner)`; `parseName` pre-parses `inner` at compile time. */
export interface PvSpec<S = unknown, N = any> {
  /** the inner name is required (`$hdr(Via)`), optional, or not allowed */
  name?: 'required' | 'optional' | 'none';
  parseName?(inner: string): N;
  get(ctx: ScriptContext, state: S, name: N, index: number | undefined): ScriptValue;
  set?(ctx: ScriptContext, state: S, name: N, value: ScriptValue, index: number | undefined): void;
  doc?: string;
}

export interface ModuleDep {
  name: string;
  /** OpenSIPS DEP_SILENT: order after it when it is loaded, ignore when it is not */
  optional?: boolean;
}

/** What `init` gets: typed params, logger, DI, hook bus (still open), statistics. */
export interface ModuleContext<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
  readonly name: string;
  readonly params: ParamValues<P>;
  readonly log: Logger;
  readonly container: DependencyContainer;
  readonly hooks: HookBus;
  /** the counter declared in `stats` (group = module name) */
  stat(name: string): Stat;
  /** a statistic computed on read, in the module's group */
  statFn(name: string, read: () => number): void;
  /** resolve a core service or another module's API: do it here, once, and keep the reference */
  resolve<T>(token: InjectionToken<T>): T;
  /** offer an API to other modules (OpenSIPS load_<mod>_api) */
  provide<T>(token: InjectionToken<T>, value: T): void;
}

/**
 * One declarative object per module (OpenSIPS module_exports). The loader validates it;
 * nothing is registered by side effect at import time. `init` returns the module's state,
 * which every cmd/pv/MI handler receives, so two servers in one process never share state.
 */
export interface ModuleDefinition<P extends Record<string, ParamSpec> = Record<string, ParamSpec>, S = unknown> {
  name: string;
  version?: string;
  doc?: string;
  deps?: readonly (string | ModuleDep)[];
  params?: P;
  cmds?: Record<string, CmdSpec<S> | readonly CmdSpec<S>[]>;
  pvs?: Record<string, PvSpec<S>>;
  mi?: Record<string, MiCommandSpec<S>>;
  stats?: readonly (string | StatSpec)[];
  /** events it publishes: `E_NAME` (Event Interface) or Kamailio-style `tcp:closed` */
  events?: readonly string[];
  /** transports it implements */
  protos?: readonly ProtoHandler[];
  init?(ctx: ModuleContext<P>): S | Promise<S>;
  /** after init of every module, before listeners open (OpenSIPS child_init of rank 1) */
  childInit?(ctx: ModuleContext<P>, state: S): void | Promise<void>;
  destroy?(state: S): void | Promise<void>;
}

const NAME_RE = /^[a-z][a-z0-9_]*$/i;

/** Identity with checks: a module's default export is `defineModule({...})`. */
export function defineModule<P extends Record<string, ParamSpec>, S = void>(def: ModuleDefinition<P, S>): ModuleDefinition<P, S> {
  if (!NAME_RE.test(def.name)) throw new Error(`module name "${def.name}" must match ${NAME_RE}`);
  for (const cmd of Object.keys(def.cmds ?? {}))
    if (!NAME_RE.test(cmd)) throw new Error(`module ${def.name}: function name "${cmd}" must match ${NAME_RE}`);
  return Object.freeze(def);
}

export function isModuleDefinition(x: unknown): x is ModuleDefinition {
  return typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string';
}
