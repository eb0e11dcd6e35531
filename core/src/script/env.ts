import type { Logger } from 'pino';
import type { ScriptSymbols } from './symbols.js';
import type { ScriptValue } from './values.js';

/** Run-time problems of the script, readable as statistics. */
export interface ScriptCounters {
  /** exceptions thrown by script functions (each treated as -1) */
  cmdExceptions: number;
  /** exceptions that escaped a route (e.g. from a pseudo-variable) and stopped it */
  routeExceptions: number;
  /** while loops stopped by max_while_loops */
  whileLimit: number;
  /** route() calls refused because of the nesting limit */
  routeDepthLimit: number;
}

/** OpenSIPS refuses deeper route() nesting the same way (recursion guard). */
export const MAX_ROUTE_DEPTH = 100;

/**
 * What one compiled script shares at run time: `$var` slots (resolved to array indexes at
 * compile time; values persist across messages like OpenSIPS script variables), `$shv`,
 * counters, the logger, and the route() nesting depth.
 */
export class ScriptEnv {
  readonly vars: ScriptValue[] = [];
  private readonly varSlots = new Map<string, number>();
  readonly shv = new Map<string, ScriptValue>();
  readonly counters: ScriptCounters = { cmdExceptions: 0, routeExceptions: 0, whileLimit: 0, routeDepthLimit: 0 };
  routeDepth = 0;

  constructor(
    readonly symbols: ScriptSymbols,
    readonly maxWhileLoops: number,
    readonly log?: Logger,
  ) {}

  /** The slot of `$var(name)`, created (unset) on first use. */
  varSlot(name: string): number {
    let slot = this.varSlots.get(name);
    if (slot === undefined) {
      slot = this.vars.length;
      this.vars.push(null);
      this.varSlots.set(name, slot);
    }
    return slot;
  }

  /** The current value of `$var(name)` (MI, tests). */
  getVar(name: string): ScriptValue {
    const slot = this.varSlots.get(name);
    return slot === undefined ? null : this.vars[slot]!;
  }
}
