import { XLOG_LEVELS, type Logger, type ScriptEngine, type ScriptValue } from '@tsips/core';
import type { PvCache } from './ksr-args.js';
import type { Ksr, KsrFixed, KsrHdr, KsrLogLevel, KsrModuleFunctions, KsrPv } from './ksr-types.js';
import { EXIT_SIGNAL, type Runner } from './runner.js';

export interface KsrDeps {
  runner: Runner;
  pvs: PvCache;
  engine: ScriptEngine;
  log: Logger;
  modules: Map<string, KsrModuleFunctions>;
}

const LEVEL_NAMES: Record<string, number> = { alert: -3, crit: -2, err: -1, error: -1, warn: 1, notice: 2, info: 3, dbg: 4, debug: 4 };
const HEADER_LINE = /^[!-9;-~]+\s*:/;
const HEADER_NAME = /^[!-9;-~]+$/;
const MAX_METHOD_SETS = 256;

/**
 * The ksr object (Kamailio's KSR), built once: every member reads the Runner's current message,
 * so a call allocates nothing for the object itself. Actions after an exit (a 0 code,
 * ksr.x.exit/drop, `exit` in a script route) do nothing; reads still work.
 */
export function buildKsr(d: KsrDeps): Ksr {
  const { runner: rt, pvs, engine, log } = d;

  const read = (name: string): ScriptValue => pvs.get(name).get(rt.current());
  const write = (name: string, v: ScriptValue): void => {
    const ctx = rt.current();
    if (!rt.exited) pvs.writable(name).set(ctx, v);
  };
  const pv: KsrPv = {
    get: read,
    gete: (name) => read(name) ?? '',
    getvs: (name, dflt) => read(name) ?? dflt,
    getvn: (name, dflt) => read(name) ?? dflt,
    sets: (name, value) => write(name, String(value)),
    seti: (name, value) => {
      if (!Number.isInteger(value)) throw new TypeError(`ksr.pv.seti(${name}): ${value} is not an integer`);
      write(name, value);
    },
    unset: (name) => write(name, null),
    is_null: (name) => read(name) === null,
  };

  const edit = (line: string, first: boolean): number => {
    const ctx = rt.current();
    if (rt.exited) return 0;
    const text = line.replace(/\r?\n$/, '');
    if (!HEADER_LINE.test(text)) return -1;
    if (first) ctx.msg.insertHeaderFirst(text);
    else ctx.msg.addHeader(text);
    return 1;
  };
  const hdr: KsrHdr = {
    get: (name) => rt.current().msg.header(name) ?? null,
    gete: (name) => rt.current().msg.header(name) ?? '',
    is_present: (name) => rt.current().msg.hasHeader(name),
    append: (line) => edit(line, false),
    insert: (line) => edit(line, true),
    remove: (name) => {
      const ctx = rt.current();
      if (rt.exited) return 0;
      if (!HEADER_NAME.test(name)) throw new TypeError(`ksr.hdr.remove: "${name}" is not a header name`);
      return ctx.msg.removeHeader(name) > 0 ? 1 : -1;
    },
  };

  const methodSets = new Map<string, Set<string>>();
  const methodSet = (methods: string): Set<string> => {
    let set = methodSets.get(methods);
    if (set === undefined) {
      set = new Set(methods.split(/[|,]/).map((m) => m.trim().toUpperCase()));
      if (methodSets.size < MAX_METHOD_SETS) methodSets.set(methods, set);
    }
    return set;
  };

  const emit = (level: KsrLogLevel, text: string): void => {
    const n = typeof level === 'number' ? level : (LEVEL_NAMES[level] ?? XLOG_LEVELS[level]);
    if (n === undefined) throw new TypeError(`ksr.log: unknown level "${level}" (use err, warn, notice, info, dbg, L_* or -3..4)`);
    if (n <= -2) log.fatal(text);
    else if (n === -1) log.error(text);
    else if (n <= 1) log.warn(text);
    else if (n <= 3) log.info(text);
    else log.debug(text);
  };

  const fixed: KsrFixed = {
    pv,
    hdr,
    x: {
      exit: () => {
        rt.current();
        rt.exited = true;
        throw EXIT_SIGNAL;
      },
      drop: () => {
        rt.current().dropped = true;
        rt.exited = true;
        throw EXIT_SIGNAL;
      },
    },
    get msg() {
      return rt.current().msg;
    },
    is_method: (methods) => methodSet(methods).has(rt.current().msg.method.toUpperCase()),
    route: (name) => {
      const ctx = rt.current();
      if (rt.exited) return 0;
      const route = engine.namedRoute(name);
      if (!route) throw new Error(`ksr.route: the script has no route[${name}]`);
      const rc = engine.run(route, ctx);
      ctx.retcode = rc;
      if (rc === 0) rt.exited = true;
      return rc;
    },
    log: emit,
    err: (text) => emit(-1, text),
    warn: (text) => emit(1, text),
    notice: (text) => emit(2, text),
    info: (text) => emit(3, text),
    dbg: (text) => emit(4, text),
  };

  const ksr: Record<string, unknown> = Object.create(null);
  Object.defineProperties(ksr, Object.getOwnPropertyDescriptors(fixed));
  for (const [module, fns] of d.modules) {
    if (module in ksr) {
      log.warn({ module }, `app_ts: module ${module} is not reachable as ksr.${module}: the name is a fixed ksr member`);
      continue;
    }
    ksr[module] = fns;
  }
  return Object.freeze(ksr) as Ksr;
}
