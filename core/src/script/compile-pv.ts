import { KEYWORD_PVS, type CoreKeyword, type Loc, type PvExpr, type PvIndex } from '../config/ast.js';
import type { PvRef } from '../module/define.js';
import { nullValue, type CompileState } from './compile-state.js';
import { intrinsicPv, SetMode, type PvAccess, type PvIndexFn } from './intrinsic-pvs.js';
import { compileTransforms } from './transforms.js';
import { toInt } from './values.js';

/**
 * Pseudo-variables: the runtime's own ($var, $avp ...) or a module's, looked up through
 * ScriptSymbols and bound once: the name is pre-parsed (parseName) and a read costs one call.
 * On an error the message is recorded and a placeholder returned, so compilation goes on.
 */
export function compilePv(cs: CompileState, pv: PvExpr): PvAccess {
  const index = compileIndex(cs, pv.index);
  const access = intrinsicPv(cs, pv, index) ?? symbolPv(cs, pv.name, pv.inner, index, pv.text, pv.loc);
  if (pv.transforms === undefined) return access;
  const get = compileTransforms(cs, pv, access.get, (arg) => compilePv(cs, arg).get);
  // a transformed value is read-only, as in Kamailio; an unknown pv stays the placeholder
  return { text: access.text, get: access.get === nullValue ? nullValue : get };
}

/** A pseudo-variable that is assigned: reports it when read-only. */
export function compileWritablePv(cs: CompileState, pv: PvExpr): Required<PvAccess> | undefined {
  const access = compilePv(cs, pv);
  if (access.set) return access as Required<PvAccess>;
  // a placeholder (unknown pseudo-variable) was reported already
  if (access.get !== nullValue)
    cs.error('TSIPS_ERR_READ_ONLY', `pseudo-variable ${pv.text} is read-only`, pv.loc, 'it cannot be assigned');
  return undefined;
}

/** `method`, `uri`, `src_ip` ...: the pseudo-variable behind the core keyword. */
export function compileKeyword(cs: CompileState, name: CoreKeyword, loc: Loc): PvAccess {
  const pvName = KEYWORD_PVS[name];
  return symbolPv(cs, pvName, undefined, undefined, `$${pvName}`, loc, ` (keyword '${name}')`);
}

/** What a 'var' argument receives. */
export function toPvRef(access: Required<PvAccess>): PvRef {
  const { get, set } = access;
  return { name: access.text, get, set: (ctx, v) => set(ctx, v, SetMode.SET) };
}

function compileIndex(cs: CompileState, index: PvIndex | undefined): PvIndexFn {
  if (index === undefined) return undefined;
  if (index.type === 'int') return index.value;
  const read = compilePv(cs, index).get;
  return (ctx) => toInt(read(ctx));
}

function symbolPv(
  cs: CompileState,
  name: string,
  inner: string | undefined,
  index: PvIndexFn,
  text: string,
  loc: Loc,
  note = '',
): PvAccess {
  const resolved = cs.env.symbols.pv(name);
  if (!resolved) {
    cs.error('TSIPS_ERR_UNKNOWN_PV', `unknown pseudo-variable $${name}${note}`, loc, 'is the module that provides it loaded?');
    return { text, get: nullValue };
  }
  const { spec, state: cell } = resolved;
  if (spec.name === 'required' && (inner === undefined || inner === ''))
    cs.error('TSIPS_ERR_UNKNOWN_PV', `$${name} needs a name`, loc, `write $${name}(...)`);
  if (spec.name === 'none' && inner !== undefined)
    cs.error('TSIPS_ERR_UNKNOWN_PV', `$${name} takes no name`, loc, `write $${name}`);
  let parsed: unknown = inner;
  if (inner !== undefined && spec.parseName) {
    try {
      parsed = spec.parseName(inner);
    } catch (e) {
      cs.error('TSIPS_ERR_UNKNOWN_PV', `bad name in ${text}: ${(e as Error).message}`, loc);
    }
  }
  const access: PvAccess = {
    text,
    get:
      typeof index === 'function'
        ? (ctx) => spec.get(ctx, cell.value, parsed, index(ctx))
        : (ctx) => spec.get(ctx, cell.value, parsed, index),
  };
  if (spec.set) {
    const set = spec.set.bind(spec);
    access.set =
      typeof index === 'function'
        ? (ctx, v) => set(ctx, cell.value, parsed, v, index(ctx))
        : (ctx, v) => set(ctx, cell.value, parsed, v, index);
  }
  return access;
}
