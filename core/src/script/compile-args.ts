import type { Expr } from '../config/ast.js';
import type { ArgSpec } from '../module/define.js';
import type { ScriptContext } from './context.js';
import type { CompileState } from './compile-state.js';
import { compilePv, compileWritablePv, toPvRef } from './compile-pv.js';
import { compileFormatIn, hasPv } from './format.js';
import { dynamicRegex, scriptRegex } from './regex.js';
import { toInt, toStr } from './values.js';

/** A compiled argument: a value fixed at compile time, or a read per call. */
export type Arg = { constant: true; value: unknown } | { constant: false; get: (ctx: ScriptContext) => unknown };

const ROUTE_WORDS = {
  route: 'route',
  failure: 'failure_route',
  onreply: 'onreply_route',
  branch: 'branch_route',
  event: 'event_route',
  local: 'local_route',
} as const;

const INT_TEXT = /^-?\d+$/;

/**
 * Compile argument `pos` (1-based) of `fn` per its ArgSpec; a literal goes through the spec's
 * fixup once, here. Returns undefined after recording an error.
 */
export function compileArg(cs: CompileState, fn: string, pos: number, spec: ArgSpec, e: Expr, params?: Readonly<Record<string, unknown>>): Arg | undefined {
  const where = `argument ${pos} of '${fn}'`;
  const bad = (msg: string, hint?: string): undefined => {
    cs.error('TSIPS_ERR_ARGS', `${where} ${msg}`, e.loc, hint);
    return undefined;
  };
  if (e.type === 'null' && spec.kind !== 'any') return bad('cannot be null');
  if (e.type === 'pv' && spec.static) return bad('must be a literal (no variables)');
  if (e.type !== 'str' && e.type !== 'int' && e.type !== 'pv' && e.type !== 'null')
    return bad('must be a string, an integer or a pseudo-variable');

  let arg: Arg;
  switch (spec.kind) {
    case 'var': {
      if (e.type !== 'pv') return bad('must be a variable', 'write a pseudo-variable such as $var(x)');
      const w = compileWritablePv(cs, e);
      return w && { constant: true, value: toPvRef(w) };
    }
    case 'regex': {
      if (e.type === 'pv') {
        const read = compilePv(cs, e).get;
        const regex = dynamicRegex();
        return { constant: false, get: (ctx) => regex(toStr(read(ctx))) };
      }
      try {
        return { constant: true, value: scriptRegex(String((e as { value: unknown }).value)) };
      } catch (err) {
        return bad(`is not a valid regular expression: ${(err as Error).message}`);
      }
    }
    case 'route': {
      if (e.type === 'pv') return bad('must be a literal route name');
      const name = String((e as { value: unknown }).value);
      const kind = spec.routeKind ?? 'route';
      const names = cs.declared[kind];
      if (kind === 'local' ? names.size === 0 : !names.has(name)) {
        const word = ROUTE_WORDS[kind];
        cs.error('TSIPS_ERR_UNKNOWN_ROUTE', `unknown ${word} '${name}' (${where})`, e.loc, `define ${word}[${name}] { ... }`);
        return undefined;
      }
      arg = { constant: true, value: name };
      break;
    }
    case 'int':
      if (e.type === 'pv') {
        const read = compilePv(cs, e).get;
        arg = { constant: false, get: (ctx) => toInt(read(ctx)) };
      } else if (e.type === 'int') arg = { constant: true, value: e.value };
      else if (e.type === 'str' && INT_TEXT.test(e.value)) arg = { constant: true, value: Number.parseInt(e.value, 10) };
      else return bad('must be an integer');
      break;
    case 'str':
    case 'any': {
      const asStr = spec.kind === 'str';
      if (e.type === 'pv') {
        const read = compilePv(cs, e).get;
        arg = { constant: false, get: asStr ? (ctx) => toStr(read(ctx)) : read };
      } else if (e.type === 'str' && !spec.noExpand && !spec.static && hasPv(e.value))
        arg = { constant: false, get: compileFormatIn(cs, e.value, e.loc) };
      else if (e.type === 'null') arg = { constant: true, value: null };
      else arg = { constant: true, value: asStr ? String(e.value) : e.value };
      break;
    }
  }
  return applyFixup(cs, spec, arg, where, e, params);
}

/** Run the spec's fixup: once now for a constant, per call (on non-null values) otherwise. */
function applyFixup(cs: CompileState, spec: ArgSpec, arg: Arg, where: string, e: Expr, params: Readonly<Record<string, unknown>> | undefined): Arg | undefined {
  const fixup = spec.fixup;
  if (!fixup) return arg;
  if (arg.constant) {
    if (arg.value === null) return arg;
    try {
      return { constant: true, value: fixup(arg.value as string | number, params) };
    } catch (err) {
      cs.error('TSIPS_ERR_ARGS', `bad ${where}: ${(err as Error).message}`, e.loc);
      return undefined;
    }
  }
  const get = arg.get;
  return {
    constant: false,
    get: (ctx) => {
      const v = get(ctx) as string | number | null;
      return v === null ? v : fixup(v, params);
    },
  };
}
