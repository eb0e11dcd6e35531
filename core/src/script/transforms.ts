import type { PvExpr, TransformExpr } from '../config/ast.js';
import { scanPv, startsPv } from '../config/pv-syntax.js';
import type { CompileState, ValueFn } from './compile-state.js';
import { closest } from './suggest.js';
import type { TrArg, TrFn, TrSpec } from './transform-spec.js';
import { SIP_TRANSFORMS } from './transforms-sip.js';
import { STRING_TRANSFORMS } from './transforms-string.js';
import type { ScriptValue } from './values.js';

/**
 * `$(pv{tr1}{tr2})`: each transformation is looked up and its arguments compiled once, here;
 * at run time the value goes through a chain of closures. A null value (unset, or a
 * transformation that failed) stops the chain: the result is null, as in Kamailio.
 */
const TRANSFORMS: Record<string, TrSpec> = { ...STRING_TRANSFORMS, ...SIP_TRANSFORMS };

const INT_ARG = /^\s*[+-]?\d+\s*$/;

/** Every transformation name (`s.len`, `uri.host` ...), for documentation and tests. */
export function transformNames(): string[] {
  return Object.keys(TRANSFORMS);
}

/** `read` followed by the pseudo-variable's transformations; `readPv` compiles a pv used as an argument. */
export function compileTransforms(cs: CompileState, pv: PvExpr, read: ValueFn, readPv: (pv: PvExpr) => ValueFn): ValueFn {
  let out = read;
  for (const t of pv.transforms ?? []) {
    const f = compileOne(cs, pv, t, readPv);
    if (f === undefined) continue;
    const prev = out;
    out = (ctx) => {
      const v = prev(ctx);
      return v === null ? null : f(v, ctx);
    };
  }
  return out;
}

function compileOne(cs: CompileState, pv: PvExpr, t: TransformExpr, readPv: (pv: PvExpr) => ValueFn): TrFn | undefined {
  const spec = Object.hasOwn(TRANSFORMS, t.name) ? TRANSFORMS[t.name]! : undefined;
  if (spec === undefined) {
    const near = closest(t.name, Object.keys(TRANSFORMS));
    cs.error('TSIPS_ERR_TRANSFORM', `unknown transformation ${t.text} in ${pv.text}`, pv.loc, near ? `did you mean {${near}}?` : 'transformations are s.*, uri.*, param.* and nameaddr.*');
    return undefined;
  }
  const usage = `{${t.name}${spec.usage ? `,${spec.usage}` : ''}}`;
  const fail = (msg: string): undefined => {
    cs.error('TSIPS_ERR_TRANSFORM', `${t.text} in ${pv.text}: ${msg}`, pv.loc, `write ${usage}`);
    return undefined;
  };
  const texts = splitArgs(t.params, spec.args.length);
  const required = spec.args.filter((k) => !k.endsWith('?')).length;
  if (texts.length < required || texts.length > spec.args.length) {
    const n = spec.args.length;
    return fail(n === 0 ? 'takes no arguments' : required === n ? `takes ${n} argument${n > 1 ? 's' : ''}` : `takes ${required} to ${n} arguments`);
  }
  const args: TrArg[] = [];
  const literals: (string | number | undefined)[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    const kind = spec.args[i]!.replace('?', '');
    if (startsPv(text, 0)) {
      const scan = scanPv(text, 0, pv.loc);
      if (!scan.ok || scan.end !== text.length) return fail(`bad argument "${text}"${scan.ok ? '' : `: ${scan.error}`}`);
      const get = readPv(scan.pv);
      args.push(kind === 'int' ? (ctx) => intValue(get(ctx)) : get);
      literals.push(undefined);
    } else if (kind === 'int') {
      if (!INT_ARG.test(text)) return fail(`argument ${i + 1} must be an integer, found "${text}"`);
      const n = Number.parseInt(text, 10);
      args.push(() => n);
      literals.push(n);
    } else {
      if (kind === 'char' && text.length !== 1) return fail(`argument ${i + 1} must be one character, found "${text}"`);
      args.push(() => text);
      literals.push(text);
    }
  }
  const problem = spec.check?.(literals);
  if (problem !== undefined) return fail(problem);
  return spec.make(args);
}

/** An int argument read from a variable: an integer or a string holding one, else null. */
function intValue(v: ScriptValue): number | null {
  if (typeof v === 'number') return v;
  return v !== null && INT_ARG.test(v) ? Number.parseInt(v, 10) : null;
}

/**
 * The text after the name split on ',' (outside `(...)` and `{...}`, so `$(var(x){s.len})`
 * is one argument) into at most `max` pieces: the last takes the rest (`{s.select,0,,}`).
 */
function splitArgs(params: string | undefined, max: number): string[] {
  if (params === undefined) return [];
  if (max <= 1) return [params];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < params.length && out.length < max - 1; i++) {
    const c = params[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(params.slice(start, i));
      start = i + 1;
    }
  }
  out.push(params.slice(start));
  return out;
}
