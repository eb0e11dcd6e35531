import type { Logger, ScriptContext, Stat } from '@tsips/core';
import type { Ksr } from './ksr-types.js';

/** Thrown by ksr.x.exit()/drop() to leave the user's function; never reported as an error. */
export const EXIT_SIGNAL: unique symbol = Symbol('app_ts.exit');

/** A function exported by the routing file. */
export type UserFunction = (ksr: Ksr, a?: unknown, b?: unknown) => unknown;

/** At most this many distinct error messages are logged per function; later ones are only counted. */
const MAX_LOGGED_PER_FN = 20;

/**
 * The executor boundary of user callbacks (Kamailio's KSR current message): `call` makes `ctx`
 * the message every ksr call acts on, runs the function and turns how it ended into a code:
 * what it returned when that is a number, 0 after exit/drop or a module function that returned
 * 0, -1 when it threw (logged with the function's name and counted in app_ts:errors), else 1.
 * Calls nest (a ksr call may trigger another callback), so the previous state is restored.
 */
export class Runner {
  /** the message being handled; null outside a callback */
  ctx: ScriptContext | null = null;
  /** a 0 code, exit or drop happened: further ksr actions in this invocation do nothing */
  exited = false;
  ksr!: Ksr;
  private readonly logged = new Map<string, Set<string>>();
  private readonly warnedAsync = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly errors: Stat,
  ) {}

  /** The current message, for ksr calls; throws when used outside a callback (after an await). */
  current(): ScriptContext {
    const ctx = this.ctx;
    if (ctx === null) throw new Error('ksr used outside a routing callback: callbacks are synchronous, ksr calls after an await have no message');
    return ctx;
  }

  call(fnName: string, fn: UserFunction, ctx: ScriptContext, a?: unknown, b?: unknown): number {
    const prevCtx = this.ctx;
    const prevExited = this.exited;
    this.ctx = ctx;
    this.exited = false;
    try {
      const r = fn(this.ksr, a, b);
      if (this.exited) return 0;
      if (typeof r === 'number') return r;
      if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') this.async(fnName, r as PromiseLike<unknown>);
      return 1;
    } catch (err) {
      if (err === EXIT_SIGNAL) return 0;
      this.fail(fnName, err);
      return -1;
    } finally {
      this.ctx = prevCtx;
      this.exited = prevExited;
    }
  }

  /** Count and log an error of `what` (a user function or a module function called through ksr). */
  fail(what: string, err: unknown): void {
    this.errors.inc();
    const text = err instanceof Error ? err.message : String(err);
    let seen = this.logged.get(what);
    if (!seen) this.logged.set(what, (seen = new Set()));
    if (seen.has(text) || seen.size >= MAX_LOGGED_PER_FN) return;
    seen.add(text);
    this.log.error({ err, function: what }, `app_ts: ${what} threw: ${text}; taken as -1 (each distinct error is logged once)`);
  }

  /** A callback returned a promise: it was not awaited; report its rejection instead of crashing. */
  private async(fnName: string, p: PromiseLike<unknown>): void {
    if (!this.warnedAsync.has(fnName)) {
      this.warnedAsync.add(fnName);
      this.log.warn({ function: fnName }, `app_ts: ${fnName} returned a Promise; callbacks are synchronous and ksr calls after an await do nothing`);
    }
    p.then(undefined, (err: unknown) => this.fail(fnName, err));
  }
}
