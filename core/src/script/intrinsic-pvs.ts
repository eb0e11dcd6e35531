import type { PvExpr } from '../config/ast.js';
import type { ScriptContext } from './context.js';
import { nullValue, type CompileState, type ValueFn } from './compile-state.js';
import type { ScriptValue } from './values.js';

/** How an assignment writes: `=` (an AVP gets a new value on top), `:=` (replace all), `+=`/`-=` (update the newest). */
export const SetMode = { SET: 0, REPLACE: 1, UPDATE: 2 } as const;

/** A compiled pseudo-variable: read, and write when it is writable. */
export interface PvAccess {
  text: string;
  get: ValueFn;
  set?: (ctx: ScriptContext, value: ScriptValue, mode: number) => void;
}

/** A constant index, one read per access, or none. */
export type PvIndexFn = number | ((ctx: ScriptContext) => number) | undefined;

const ERR_FIELDS = { 'err.class': 'class', 'err.level': 'level', 'err.info': 'info', 'err.rcode': 'rcode', 'err.rreason': 'rreason' } as const;

/**
 * The pseudo-variables the script runtime owns itself: $var, $avp, $shv, $retcode/$rc,
 * $param and $err.*. Returns undefined for any other name (a module's pseudo-variable).
 */
export function intrinsicPv(cs: CompileState, pv: PvExpr, index: PvIndexFn): PvAccess | undefined {
  const text = pv.text;
  const needName = (): string | undefined => {
    if (pv.inner === undefined || pv.inner === '') {
      cs.error('TSIPS_ERR_UNKNOWN_PV', `$${pv.name} needs a name`, pv.loc, `write $${pv.name}(name)`);
      return undefined;
    }
    return pv.inner;
  };
  const noIndex = (): void => {
    if (index !== undefined) cs.error('TSIPS_ERR_UNKNOWN_PV', `$${pv.name} takes no index`, pv.loc, `write ${text.replace(/\[.*\]/, '')}`);
  };
  switch (pv.name) {
    case 'var': {
      const name = needName();
      noIndex();
      if (name === undefined) return { text, get: nullValue };
      const vars = cs.env.vars;
      const slot = cs.env.varSlot(name);
      return { text, get: () => vars[slot]!, set: (_ctx, v) => void (vars[slot] = v) };
    }
    case 'shv': {
      const name = needName() ?? '';
      noIndex();
      const shv = cs.env.shv;
      return {
        text,
        get: () => shv.get(name) ?? null,
        set: (_ctx, v) => void (v === null ? shv.delete(name) : shv.set(name, v)),
      };
    }
    case 'avp': {
      const name = needName() ?? '';
      return index === undefined ? avpAccess(text, name) : avpIndexed(text, name, index);
    }
    case 'retcode':
    case 'rc':
      noIndex();
      return { text, get: (ctx) => ctx.retcode };
    case 'param': {
      const name = needName();
      noIndex();
      if (name === undefined) return { text, get: nullValue };
      if (/^\d+$/.test(name)) {
        const pos = Number.parseInt(name, 10) - 1;
        return { text, get: (ctx) => ctx.eventParams?.[pos]?.[1] ?? null };
      }
      return { text, get: (ctx) => paramByName(ctx, name) };
    }
    default: {
      if (!Object.hasOwn(ERR_FIELDS, pv.name)) return undefined;
      noIndex();
      const field = ERR_FIELDS[pv.name as keyof typeof ERR_FIELDS];
      return { text, get: (ctx) => (ctx.error === null ? null : ctx.error[field]) };
    }
  }
}

function paramByName(ctx: ScriptContext, name: string): ScriptValue {
  const params = ctx.eventParams;
  if (params === null) return null;
  for (let i = 0; i < params.length; i++) if (params[i]![0] === name) return params[i]![1];
  return null;
}

/** `$avp(name)`: the newest value; `=` pushes, `:=` replaces all, `= null` deletes all. */
function avpAccess(text: string, name: string): PvAccess {
  return {
    text,
    get: (ctx) => {
      const values = ctx.avps?.get(name);
      return values === undefined ? null : values[0]!;
    },
    set: (ctx, v, mode) => {
      const store = ctx.avpStore();
      if (v === null) {
        store.delete(name);
        return;
      }
      const values = store.get(name);
      if (values === undefined || mode === SetMode.REPLACE) store.set(name, [v]);
      else if (mode === SetMode.SET) values.unshift(v);
      else values[0] = v;
    },
  };
}

/** Position `i` of a newest-first list (0 the newest, -1 the oldest), or -1 when out of range. */
function position(values: ScriptValue[], i: number): number {
  const p = i < 0 ? values.length + i : i;
  return p < values.length ? p : -1;
}

/** `$avp(name)[i]`: one value; assigning replaces it, assigning null removes it. */
function avpIndexed(text: string, name: string, index: number | ((ctx: ScriptContext) => number)): PvAccess {
  const at = typeof index === 'number' ? () => index : index;
  return {
    text,
    get: (ctx) => {
      const values = ctx.avps?.get(name);
      if (values === undefined) return null;
      const p = position(values, at(ctx));
      return p < 0 ? null : values[p]!;
    },
    set: (ctx, v) => {
      const values = ctx.avps?.get(name);
      if (values === undefined) return;
      const p = position(values, at(ctx));
      if (p < 0) return;
      if (v !== null) values[p] = v;
      else if (values.length === 1) ctx.avpStore().delete(name);
      else values.splice(p, 1);
    },
  };
}
