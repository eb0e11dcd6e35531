import type { CmdSpec } from '../module/define.js';
import { ALL_ROUTES } from '../script/route-type.js';
import { XLOG_LEVELS } from '../log.js';
import type { ScriptContext } from '../script/context.js';
import type { CoreLibState } from './state.js';

type Cmd = CmdSpec<CoreLibState>;

const levelArg = {
  kind: 'str' as const,
  static: true,
  fixup: (v: string | number) => {
    const n = typeof v === 'number' ? v : (XLOG_LEVELS[String(v).toUpperCase()] ?? (/^-?\d+$/.test(String(v)) ? Number(v) : undefined));
    if (n === undefined) throw new Error(`unknown log level "${v}" (use ${Object.keys(XLOG_LEVELS).join(', ')} or -3..4)`);
    return n;
  },
};

function emit(st: CoreLibState, level: number, text: string): number {
  const log = st.log;
  if (level <= -2) log.fatal(text);
  else if (level === -1) log.error(text);
  else if (level <= 1) log.warn(text);
  else if (level <= 3) log.info(text);
  else log.debug(text);
  return 1;
}

const flagArg = (st: CoreLibState, f: string | number) => st.flags.mask(f);
const flagFixup = { kind: 'any' as const };

function flagOps(field: 'flags' | 'bflags'): Record<string, Cmd> {
  const set = (ctx: ScriptContext, v: number) => {
    ctx[field] = v >>> 0;
  };
  const p = field === 'flags' ? '' : 'b';
  return {
    [`set${p}flag`]: { args: [flagFixup], run: (ctx, st, f) => (set(ctx, ctx[field] | flagArg(st, f)), 1) },
    [`reset${p}flag`]: { args: [flagFixup], run: (ctx, st, f) => (set(ctx, ctx[field] & ~flagArg(st, f)), 1) },
    [`is${p}flagset`]: { args: [flagFixup], run: (ctx, st, f) => ((ctx[field] & flagArg(st, f)) !== 0 ? 1 : -1) },
  };
}

/** Logging, flags and events (OpenSIPS core). */
export const miscCmds: Record<string, Cmd | Cmd[]> = {
  xlog: [
    { args: [{ kind: 'str' }], routes: ALL_ROUTES, run: (_ctx, st, text: string) => emit(st, -1, text) },
    { args: [levelArg, { kind: 'str' }], routes: ALL_ROUTES, run: (_ctx, st, level: number, text: string) => emit(st, level, text) },
  ],
  log: [
    { args: [{ kind: 'str', noExpand: true }], routes: ALL_ROUTES, run: (_ctx, st, text: string) => emit(st, 3, text) },
    { args: [levelArg, { kind: 'str', noExpand: true }], routes: ALL_ROUTES, run: (_ctx, st, level: number, text: string) => emit(st, level, text) },
  ],
  ...flagOps('flags'),
  ...flagOps('bflags'),
  raise_event: [
    {
      args: [{ kind: 'str' }],
      routes: ALL_ROUTES,
      run: (_ctx, st, name: string) => (st.events.raise(name, []) ? 1 : -1),
    },
    {
      args: [{ kind: 'str' }, { kind: 'var' }],
      routes: ALL_ROUTES,
      doc: 'raise_event(name, $avp(vals)): values without names are positional params',
      run: (ctx, st, name: string, vals: import('../module/define.js').PvRef) => {
        const values = avpValues(ctx, vals.name);
        return st.events.raise(name, values.map((v, i) => [String(i + 1), v] as const)) ? 1 : -1;
      },
    },
    {
      args: [{ kind: 'str' }, { kind: 'var' }, { kind: 'var' }],
      routes: ALL_ROUTES,
      doc: 'raise_event(name, $avp(names), $avp(values))',
      run: (ctx, st, name: string, attrs: import('../module/define.js').PvRef, vals: import('../module/define.js').PvRef) => {
        const names = avpValues(ctx, attrs.name);
        const values = avpValues(ctx, vals.name);
        if (names.length !== values.length) return -1;
        return st.events.raise(name, names.map((n, i) => [String(n), values[i] ?? null] as const)) ? 1 : -1;
      },
    },
  ],
};

/** All values of the AVP a `$avp(x)` argument names, oldest first (the order they were added). */
function avpValues(ctx: ScriptContext, pvName: string): (string | number | null)[] {
  const m = /^\$avp\((.+)\)$/.exec(pvName);
  if (!m) return [];
  return [...(ctx.avps?.get(m[1]!) ?? [])].reverse();
}
