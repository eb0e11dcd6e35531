import { ConfigErrors } from '../errors.js';
import type { Loc } from '../config/ast.js';
import { scanPv, startsPv } from '../config/pv-syntax.js';
import type { ScriptContext } from './context.js';
import { CompileState, type ValueFn } from './compile-state.js';
import { compilePv } from './compile-pv.js';
import { ScriptEnv } from './env.js';
import type { ScriptSymbols } from './symbols.js';
import { toStr } from './values.js';

export type FormatFn = (ctx: ScriptContext) => string;

/** Does a string hold pseudo-variables (is it a format rather than a constant)? */
export function hasPv(text: string): boolean {
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) if (startsPv(text, i)) return true;
  return false;
}

/**
 * A formatted string (`"from $fu to $var(dst)"`), compiled to literal pieces and pv reads:
 * lits[0] + pv0 + lits[1] + pv1 ... + lits[n]. Unset values print as `<null>` (as in xlog).
 */
export function compileFormatIn(cs: CompileState, text: string, loc: Loc): FormatFn {
  const lits: string[] = [];
  const reads: ValueFn[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && startsPv(text, i)) {
      const r = scanPv(text, i, loc);
      if (!r.ok) {
        cs.error('TSIPS_ERR_UNKNOWN_PV', `${r.error} in "${text}"`, loc);
        return () => text;
      }
      lits.push(lit);
      lit = '';
      reads.push(compilePv(cs, r.pv).get);
      i = r.end;
    } else lit += text[i++];
  }
  lits.push(lit);
  const n = reads.length;
  if (n === 0) return () => text;
  if (n === 1) {
    const [pre, post] = lits as [string, string];
    const read = reads[0]!;
    return (ctx) => pre + toStr(read(ctx)) + post;
  }
  return (ctx) => {
    let s = lits[0]!;
    for (let k = 0; k < n; k++) s += toStr(reads[k]!(ctx)) + lits[k + 1]!;
    return s;
  };
}

/**
 * For modules (a format given in a modparam, say): compile a formatted string. Pass the
 * script's ScriptEnv (RouteTable.env) so `$var(...)` shares the script's variables.
 * Throws ConfigErrors for unknown pseudo-variables.
 */
export function compileFormat(text: string, scope: ScriptSymbols | ScriptEnv, loc?: Loc): FormatFn {
  const env = scope instanceof ScriptEnv ? scope : new ScriptEnv(scope, 1);
  const cs = new CompileState(env);
  const fn = compileFormatIn(cs, text, loc ?? { file: '<format>', line: 1, col: 1 });
  if (cs.errors.length > 0) throw new ConfigErrors(cs.errors);
  return fn;
}
