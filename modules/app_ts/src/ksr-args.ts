import { pvAccessor, type ArgSpec, type PvAccessor, type PvRef, type ScriptEngine } from '@tsips/core';

type ScriptEnv = ScriptEngine['routes']['env'];

/** Caches stop growing here, so names built per message cannot eat memory (they are compiled per call then). */
const MAX_CACHED = 1024;

const INT_TEXT = /^-?\d+$/;

/** Pseudo-variables by name, compiled once (ksr.pv.*, 'var' arguments). */
export class PvCache {
  private readonly map = new Map<string, PvAccessor>();

  constructor(private readonly env: ScriptEnv) {}

  get(name: string): PvAccessor {
    let a = this.map.get(name);
    if (a === undefined) {
      a = pvAccessor(name, this.env);
      if (this.map.size < MAX_CACHED) this.map.set(name, a);
    }
    return a;
  }

  writable(name: string): PvRef {
    const a = this.get(name);
    if (!a.set) throw new Error(`pseudo-variable ${name} is read-only`);
    return a as PvRef;
  }
}

/**
 * Turns the JS values given to `ksr.<module>.<fn>(...)` into what the function's `run` expects,
 * per its ArgSpec, as the script compiler does for literals: ints from numbers or decimal
 * strings, 'var' from a pv name, 'regex' from a RegExp or a (case-insensitive) pattern, 'route'
 * from the name of a route the script defines, then the spec's fixup. Fixup results are cached
 * per value (a literal in the script is fixed up once too). Bad values throw a TypeError naming
 * the argument: a programming error in the routing file.
 */
export class ArgConverter {
  private readonly fixed = new Map<ArgSpec, Map<string | number, unknown>>();
  private readonly regexes = new Map<string, RegExp>();

  constructor(
    private readonly pvs: PvCache,
    private readonly engine: ScriptEngine,
  ) {}

  convert(spec: ArgSpec, v: unknown, where: string): unknown {
    if (v === null || v === undefined) {
      if (spec.kind === 'any') return null;
      throw new TypeError(`${where} cannot be ${v}`);
    }
    let value: string | number;
    switch (spec.kind) {
      case 'var':
        if (typeof v !== 'string') throw new TypeError(`${where} must be a pseudo-variable name such as "$avp(x)"`);
        return this.pvs.writable(v);
      case 'regex':
        if (v instanceof RegExp) return v;
        if (typeof v !== 'string') throw new TypeError(`${where} must be a RegExp or a pattern string`);
        return this.regex(v, where);
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v)) value = v;
        else if (typeof v === 'string' && INT_TEXT.test(v)) value = Number.parseInt(v, 10);
        else throw new TypeError(`${where} must be an integer, got ${JSON.stringify(v)}`);
        break;
      case 'str':
        if (typeof v !== 'string' && typeof v !== 'number') throw new TypeError(`${where} must be a string`);
        value = String(v);
        break;
      case 'any':
        if (typeof v !== 'string' && typeof v !== 'number') throw new TypeError(`${where} must be a string or a number`);
        value = v;
        break;
      case 'route':
        if (typeof v !== 'string') throw new TypeError(`${where} must be a route name`);
        if (!this.routeExists(spec.routeKind ?? 'route', v)) {
          const word = spec.routeKind && spec.routeKind !== 'route' ? `${spec.routeKind}_route` : 'route';
          throw new Error(`${where}: the script has no ${word}[${v}]`);
        }
        value = v;
        break;
    }
    return spec.fixup ? this.fixup(spec, spec.fixup, value, where) : value;
  }

  private fixup(spec: ArgSpec, fixup: (v: string | number) => unknown, value: string | number, where: string): unknown {
    let cache = this.fixed.get(spec);
    const hit = cache?.get(value);
    if (hit !== undefined) return hit;
    let out: unknown;
    try {
      out = fixup(value);
    } catch (err) {
      throw new TypeError(`bad ${where}: ${(err as Error).message}`);
    }
    if (!cache) this.fixed.set(spec, (cache = new Map()));
    if (cache.size < MAX_CACHED && out !== undefined) cache.set(value, out);
    return out;
  }

  private regex(pattern: string, where: string): RegExp {
    let re = this.regexes.get(pattern);
    if (re === undefined) {
      try {
        re = new RegExp(pattern, 'i');
      } catch (err) {
        throw new TypeError(`${where} is not a valid regular expression: ${(err as Error).message}`);
      }
      if (this.regexes.size < MAX_CACHED) this.regexes.set(pattern, re);
    }
    return re;
  }

  private routeExists(kind: NonNullable<ArgSpec['routeKind']>, name: string): boolean {
    const e = this.engine;
    switch (kind) {
      case 'route':
        return e.namedRoute(name) !== undefined;
      case 'failure':
        return e.failureRoute(name) !== undefined;
      case 'onreply':
        return e.onreplyRoute(name) !== undefined;
      case 'branch':
        return e.branchRoute(name) !== undefined;
      case 'event':
        return e.eventRoute(name) !== undefined;
      case 'local':
        return e.routes.local !== null;
    }
  }
}
