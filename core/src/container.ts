import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { HookBus } from './hooks.js';
import type { StatsRegistry } from './stats/registry.js';
import type { MiRegistry } from './mi/registry.js';
import type { EventBus } from './events/bus.js';
import type { Timers } from './timer.js';
import type { Transports } from './net/transports.js';
import type { TcpManager } from './net/tcp/manager.js';
import type { ScriptEngine } from './script/engine.js';
import type { CoreConfig } from './config/globals.js';
import type { SipCore } from './sip-core.js';
import type { ScriptSymbols } from './script/symbols.js';
import type { FlagNames } from './script/flags.js';
import type { Tracer } from './trace.js';

/**
 * DI tokens for core services (UPPER_SNAKE symbols, registered with useValue at boot).
 * Symbol.for keeps them identical even if two copies of @tsips/core get loaded.
 * Modules resolve what they need once, in init; nothing resolves per message.
 */
const token = <T>(name: string): InjectionToken<T> => Symbol.for(`tsips.${name}`) as InjectionToken<T>;

export const LOGGER = token<Logger>('LOGGER');
export const HOOKS = token<HookBus>('HOOKS');
export const STATS = token<StatsRegistry>('STATS');
export const MI = token<MiRegistry>('MI');
export const EVENTS = token<EventBus>('EVENTS');
export const TIMERS = token<Timers>('TIMERS');
export const TRANSPORTS = token<Transports>('TRANSPORTS');
export const TCP_MANAGER = token<TcpManager>('TCP_MANAGER');
export const SCRIPT = token<ScriptEngine>('SCRIPT');
export const CORE_CONFIG = token<CoreConfig>('CORE_CONFIG');
export const SIP_CORE = token<SipCore>('SIP_CORE');
/** every script function and pseudo-variable of the core and the loaded modules (app_ts builds KSR from it) */
export const SYMBOLS = token<ScriptSymbols>('SYMBOLS');
/** named message/branch flags (setflag(NAT), tm minor_branch_flag, tcp_no_new_conn_bflag) */
export const FLAGS = token<FlagNames>('FLAGS');
/** the HEP tracing service (provided by proto_hep when loaded; see trace.ts) */
export const TRACER = token<Tracer>('TRACER');

/** Token helper for modules' own APIs: `export const TM_API = apiToken<TmApi>('tm')`. */
export function apiToken<T>(moduleName: string): InjectionToken<T> {
  return token<T>(`api.${moduleName}`);
}

/** Each server instance gets a child container, so tests can run several in one process. */
export function createServerContainer(): DependencyContainer {
  return rootContainer.createChildContainer();
}
