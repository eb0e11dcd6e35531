import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import { ConfigErrors, TsipsError, type SourceLocation } from './errors.js';
import type { Listener } from './net/types.js';
import { parseConfig } from './config/parser.js';
import { buildCoreConfig } from './config/core-config.js';
import type { CoreConfig, GlobalParams } from './config/globals.js';
import { applyModparam, finalizeParams, initOrder, loadModule, preloaded } from './module/loader.js';
import type { ModuleDefinition } from './module/define.js';
import type { LoadedModule } from './module/loaded.js';
import { ModuleSymbols } from './module/symbols.js';
import { compileScript } from './script/compile.js';
import { ScriptEngine } from './script/engine.js';
import { FlagNames } from './script/flags.js';
import { HookBus } from './hooks.js';
import { StatsRegistry } from './stats/registry.js';
import { MiRegistry } from './mi/registry.js';
import { EventBus } from './events/bus.js';
import { Timers } from './timer.js';
import { Transports } from './net/transports.js';
import { TcpManager } from './net/tcp/manager.js';
import { SipCore } from './sip-core.js';
import { coreLib, type CoreLibState } from './corelib/index.js';
import { createLogger } from './log.js';
import * as T from './container.js';
import { createModuleContext } from './module/context.js';
import { wireScriptRoutes } from './lifecycle/script-routes.js';
import { registerServerMi } from './lifecycle/server-mi.js';
import { stage } from './lifecycle/stage.js';

export interface ServerOptions {
  /** path of the config file */
  configFile?: string;
  /** config text (tests); `configName` names it in error locations */
  configText?: string;
  configName?: string;
  /** preprocessor defines before the config's first line (`-D NAME[=value]`) */
  defines?: Readonly<Record<string, string>>;
  /** global parameter overrides (`-l` sets log_level) */
  overrides?: Partial<Record<keyof GlobalParams, number | string | boolean>>;
  /** use this logger instead of creating one from log_level */
  logger?: Logger;
  /** module definitions that `loadmodule "<name>"` finds before looking on disk (tests, embedding) */
  modules?: readonly ModuleDefinition[];
}

export { VERSION } from './version.js';

/**
 * One tsips instance. `TsipsServer.load()` does everything that can fail on a bad config
 * (parse, load modules, modparams, compile) without opening a socket: it is what `tsips -C`
 * runs. `start()` initialises modules in dependency order, seals the hook bus, binds the
 * listeners and runs startup_route; `stop()` drains and destroys in reverse order.
 */
export class TsipsServer {
  readonly container: DependencyContainer;
  readonly hooks = new HookBus();
  readonly stats = new StatsRegistry();
  readonly mi = new MiRegistry();
  readonly timers = new Timers();
  readonly flags = new FlagNames();
  readonly events: EventBus;
  readonly transports: Transports;
  readonly tcp: TcpManager;
  readonly engine: ScriptEngine;
  readonly sip: SipCore;
  readonly startedAt = Date.now();
  private stateName: 'configured' | 'initialised' | 'ready' | 'listening' | 'closing' | 'closed' = 'configured';
  private stopped: Promise<void> | null = null;

  private constructor(
    readonly config: CoreConfig,
    readonly log: Logger,
    readonly modules: LoadedModule[],
    private readonly initList: LoadedModule[],
    private readonly symbols: ModuleSymbols,
    private readonly coreState: { value: unknown },
    engine: ScriptEngine,
  ) {
    this.container = T.createServerContainer();
    this.events = new EventBus(log);
    this.engine = engine;
    const g = config.globals;
    this.tcp = new TcpManager({ log, hooks: this.hooks, stats: this.stats, globals: g });
    this.transports = new Transports({ log, hooks: this.hooks, stats: this.stats, tcp: this.tcp, globals: g });
    this.sip = new SipCore({ log, hooks: this.hooks, stats: this.stats, transports: this.transports, tcp: this.tcp, engine, config, flags: this.flags });
    const core: CoreLibState = { sip: this.sip, flags: this.flags, events: this.events, log, tcp: this.tcp, startedAt: this.startedAt };
    coreState.value = core;
    const c = this.container;
    c.register(T.LOGGER, { useValue: log });
    c.register(T.HOOKS, { useValue: this.hooks });
    c.register(T.STATS, { useValue: this.stats });
    c.register(T.MI, { useValue: this.mi });
    c.register(T.EVENTS, { useValue: this.events });
    c.register(T.TIMERS, { useValue: this.timers });
    c.register(T.TRANSPORTS, { useValue: this.transports });
    c.register(T.TCP_MANAGER, { useValue: this.tcp });
    c.register(T.SCRIPT, { useValue: engine });
    c.register(T.CORE_CONFIG, { useValue: config });
    c.register(T.SIP_CORE, { useValue: this.sip });
    c.register(T.SYMBOLS, { useValue: symbols });
    c.register(T.FLAGS, { useValue: this.flags });
    for (const m of modules) for (const e of m.def.events ?? []) this.events.publish(e, m.def.name);
    for (const e of coreLib.events ?? []) this.events.publish(e, 'core');
  }

  /** Parse, load and compile; throws ConfigErrors listing every problem found. */
  static async load(opts: ServerOptions): Promise<TsipsServer> {
    const file = opts.configFile ? resolve(opts.configFile) : (opts.configName ?? '<inline>');
    let text: string;
    try {
      text = opts.configText ?? readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigErrors([new TsipsError('TSIPS_ERR_CONFIG_READ', `cannot read config: ${(cause as Error).message}`, { loc: { file, line: 0 }, cause })]);
    }
    const ast = parseConfig(text, file, { defines: opts.defines }); // throws ConfigErrors on syntax errors
    const { config, errors, socketLocs } = buildCoreConfig(ast, file, opts.overrides);
    const log = opts.logger ?? createLogger({ level: config.globals.log_level, toStderr: config.globals.log_stderror });
    const configDir = opts.configFile ? dirname(file) : process.cwd();

    const modules: LoadedModule[] = [];
    for (const d of ast.directives) {
      if (d.type === 'loadmodule') {
        try {
          const given = opts.modules?.find((x) => x.name === d.name.replace(/\.so$/, ''));
          const m = given ? preloaded(given, d.loc) : await loadModule(d.name, d.loc, { configDir, mpath: config.mpath });
          const dup = modules.find((x) => x.def.name === m.def.name);
          if (dup) log.warn({ module: m.def.name, at: `${d.loc.file}:${d.loc.line}` }, 'module loaded twice: second loadmodule ignored');
          else modules.push(m);
        } catch (err) {
          errors.push(err instanceof TsipsError ? err : new TsipsError('TSIPS_ERR_MODULE_LOAD', String(err), { loc: d.loc }));
        }
      } else if (d.type === 'modparam') errors.push(...applyModparam(modules, d));
    }
    for (const m of modules) finalizeParams(m);
    const { order, errors: depErrors } = initOrder(modules);
    errors.push(...depErrors);
    errors.push(...checkProtos(config, modules, socketLocs));

    const coreState = { value: undefined as unknown };
    let myself: (v: string) => boolean = () => false;
    const symbols = new ModuleSymbols({ def: coreLib, state: coreState }, modules, (v) => myself(v));
    let engine: ScriptEngine | undefined;
    try {
      engine = new ScriptEngine(compileScript(ast, symbols, { maxWhileLoops: config.globals.max_while_loops, log }));
    } catch (err) {
      if (err instanceof ConfigErrors) errors.push(...err.errors);
      else throw err;
    }
    if (errors.length > 0 || !engine) throw new ConfigErrors(errors);
    const server = new TsipsServer(config, log, modules, order, symbols, coreState, engine);
    myself = (v) => server.sip.myself.value(v);
    return server;
  }

  get state(): string {
    return this.stateName;
  }

  /** Initialise modules, seal hooks, open listeners, run startup_route. */
  async start(): Promise<void> {
    for (const m of this.initList) {
      const ctx = createModuleContext(m, this);
      m.state.value = await stage(`module ${m.def.name} init`, 10_000, async () => m.def.init?.(ctx as never));
      m.initialised = true;
      for (const [name, spec] of Object.entries(m.def.mi ?? {})) this.mi.register(name, spec, m.state.value, m.def.name);
    }
    registerServerMi(this);
    this.stateName = 'initialised';
    for (const m of this.initList) {
      const ctx = createModuleContext(m, this);
      await stage(`module ${m.def.name} child_init`, 10_000, async () => m.def.childInit?.(ctx as never, m.state.value));
    }
    for (const m of this.modules) for (const p of m.def.protos ?? []) this.transports.registerProto(p);
    wireScriptRoutes(this);
    this.hooks.seal();
    this.stateName = 'ready';
    await stage('listeners', 10_000, () => this.transports.bind(this.config.listeners, this.sip));
    for (const l of this.config.listeners) l.name = `${l.proto}:${l.family === 6 ? `[${l.ip}]` : l.ip}:${l.port}`;
    this.stateName = 'listening';
    await this.hooks.listening.promise();
    this.log.info({ listeners: this.config.listeners.map((l) => l.name), modules: this.modules.map((m) => m.def.name) }, 'tsips listening');
  }

  /** Stop listening, let modules drain, destroy in reverse init order. Idempotent. */
  stop(): Promise<void> {
    return (this.stopped ??= this.doStop());
  }

  private async doStop(): Promise<void> {
    this.stateName = 'closing';
    this.timers.stopAll();
    await stage('closing hooks', 5_000, () => this.hooks.closing.promise()).catch((err) => this.log.error({ err }, 'closing hooks failed'));
    await this.transports.close().catch((err) => this.log.error({ err }, 'closing listeners failed'));
    for (const m of [...this.initList].reverse()) {
      if (!m.initialised) continue;
      await stage(`module ${m.def.name} destroy`, 5_000, async () => m.def.destroy?.(m.state.value)).catch((err) =>
        this.log.error({ err, module: m.def.name }, 'module destroy failed'),
      );
    }
    this.stateName = 'closed';
  }
}

/** Every socket= proto needs a loaded module that implements it. */
function checkProtos(config: CoreConfig, modules: readonly LoadedModule[], locs: Map<Listener, SourceLocation>): TsipsError[] {
  const protos = new Set(modules.flatMap((m) => (m.def.protos ?? []).map((p) => p.name)));
  const errors: TsipsError[] = [];
  for (const l of config.listeners)
    if (!protos.has(l.proto))
      errors.push(
        new TsipsError('TSIPS_ERR_SOCKET', `socket ${l.name}: no loaded module implements proto "${l.proto}"`, {
          loc: locs.get(l),
          hint: `add loadmodule "proto_${l.proto}.so"`,
        }),
      );
  return errors;
}
