import pino, { type Logger } from 'pino';
import { parseConfig } from '../../src/config/parser.js';
import type { CmdSpec, PvSpec } from '../../src/module/define.js';
import { compileScript } from '../../src/script/compile.js';
import { ScriptContext } from '../../src/script/context.js';
import { ScriptEngine } from '../../src/script/engine.js';
import { RouteType } from '../../src/script/route-type.js';
import type { ResolvedCmd, ResolvedPv, ScriptSymbols } from '../../src/script/symbols.js';
import type { ScriptValue } from '../../src/script/values.js';
import type { SipMessage } from '../../src/sip/message.js';
import type { ReceiveInfo } from '../../src/net/types.js';
import { ConfigErrors } from '../../src/errors.js';

/** State of the fake module: what its functions saw, and the values its pvs hold. */
export interface FakeState {
  trace: string[];
  ru: string;
  method: string;
}

/** A small module: functions with route masks, overloads and fixups, and a few pvs. */
export function fakeCmds(): Record<string, CmdSpec<FakeState> | CmdSpec<FakeState>[]> {
  return {
    ret: { args: [{ kind: 'int' }], run: (_c, _s, n: number) => n },
    trace: { args: [{ kind: 'str' }], run: (_c, s, v: string) => (s.trace.push(v), 1) },
    /** records its name and returns the given code: for short-circuit tests */
    side: { args: [{ kind: 'str' }, { kind: 'int' }], run: (_c, s, v: string, rc: number) => (s.trace.push(v), rc) },
    t_relay: [
      { args: [], routes: RouteType.REQUEST | RouteType.FAILURE, run: (_c, s) => (s.trace.push('relay'), 1) },
      { args: [{ kind: 'str' }], routes: RouteType.REQUEST | RouteType.FAILURE, run: (_c, s, d: string) => (s.trace.push(`relay ${d}`), 1) },
    ],
    boom: { args: [], run: () => { throw new Error('kaput'); } },
    set_to: { args: [{ kind: 'var' }, { kind: 'any' }], run: (c, _s, ref, v) => (ref.set(c, v), 1) },
    shout: {
      args: [{ kind: 'str', fixup: (v) => { if (v === 'bad') throw new Error("'bad' is not a word"); return String(v).toUpperCase(); } }],
      run: (_c, s, v: string) => (s.trace.push(v), 1),
    },
    t_on_failure: { args: [{ kind: 'route', routeKind: 'failure' }], routes: RouteType.REQUEST, run: (_c, s, n: string) => (s.trace.push(`on_failure ${n}`), 1) },
    opt: { args: [{ kind: 'str' }, { kind: 'int', optional: true }], run: (_c, s, a: string, b?: number) => (s.trace.push(`${a}:${b}`), 1) },
    rx: { args: [{ kind: 'regex' }, { kind: 'str' }], run: (_c, _s, re: RegExp, v: string) => (re.test(v) ? 1 : -1) },
    lit: { args: [{ kind: 'str', static: true }], run: (_c, s, v: string) => (s.trace.push(v), 1) },
    num: { args: [{ kind: 'int' }], run: (_c, s, n: number) => (s.trace.push(`n=${n}`), 1) },
    noop: { args: [], run: () => 1 },
    four: {
      args: [{ kind: 'str' }, { kind: 'int' }, { kind: 'any' }, { kind: 'any' }],
      run: (_c, s, a: string, b: number, c: unknown, d: unknown) => (s.trace.push(JSON.stringify([a, b, c, d])), 1),
    },
  };
}

export function fakePvs(): Record<string, PvSpec<FakeState>> {
  return {
    ru: { name: 'none', get: (_c, s) => s.ru, set: (_c, s, _n, v) => void (s.ru = String(v)) },
    rm: { name: 'none', get: (_c, s) => s.method },
    si: { name: 'none', get: () => '10.0.0.1' },
    hdr: {
      name: 'required',
      parseName: (inner: string) => {
        if (inner.includes(' ')) throw new Error('header names have no spaces');
        return inner.toLowerCase();
      },
      get: (_c, _s, name: string, idx) => `${name}#${idx ?? 'all'}`,
    },
    T_branch_idx: { name: 'none', get: (c) => c.branchIdx },
  };
}

export interface Fake {
  symbols: ScriptSymbols;
  state: FakeState;
}

export function fakeSymbols(events: string[] = ['tcp:closed', 'E_CORE_TCP_DISCONNECT']): Fake {
  const state: FakeState = { trace: [], ru: 'sip:alice@example.com', method: 'INVITE' };
  const cell = { value: state as unknown };
  const cmds = fakeCmds();
  const pvs = fakePvs();
  const symbols: ScriptSymbols = {
    cmd: (name): ResolvedCmd | undefined => {
      const c = cmds[name];
      if (!c) return undefined;
      return { module: 'fake', name, overloads: (Array.isArray(c) ? c : [c]) as CmdSpec[], state: cell };
    },
    pv: (name): ResolvedPv | undefined => {
      const p = pvs[name];
      return p && { module: 'fake', name, spec: p as PvSpec, state: cell };
    },
    cmdNames: () => Object.keys(cmds),
    event: (name) => events.includes(name),
    myself: (v) => /example\.com/i.test(v),
  };
  return { symbols, state };
}

export function newCtx(): ScriptContext {
  return new ScriptContext({} as SipMessage, {} as ReceiveInfo, RouteType.REQUEST);
}

/** A logger that keeps its records in `lines`. */
export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

export interface Compiled extends Fake {
  engine: ScriptEngine;
  lines: Record<string, unknown>[];
  /** run the main route on a fresh context */
  run(ctx?: ScriptContext): { rc: number; ctx: ScriptContext };
}

export function compile(text: string, opts: { maxWhileLoops?: number; file?: string } = {}): Compiled {
  const fake = fakeSymbols();
  const { log, lines } = memoryLogger();
  const ast = parseConfig(text, opts.file ?? 'test.cfg');
  const engine = new ScriptEngine(compileScript(ast, fake.symbols, { maxWhileLoops: opts.maxWhileLoops ?? 100, log }));
  return {
    ...fake,
    engine,
    lines,
    run(ctx = newCtx()) {
      const rc = engine.run(engine.routes.request!, ctx);
      return { rc, ctx };
    },
  };
}

/** The rendered errors of a ConfigErrors thrown by `fn`. */
export function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.render());
    throw e;
  }
  throw new Error('expected ConfigErrors, nothing was thrown');
}

export function compileErrors(text: string): string[] {
  const fake = fakeSymbols();
  return errorsOf(() => compileScript(parseConfig(text, 'test.cfg'), fake.symbols, { maxWhileLoops: 100 }));
}

export type { ScriptValue };
