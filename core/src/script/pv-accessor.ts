import type { Loc } from '../config/ast.js';
import { scanPv, startsPv } from '../config/pv-syntax.js';
import type { ScriptContext } from './context.js';
import { CompileState } from './compile-state.js';
import { compilePv } from './compile-pv.js';
import { SetMode } from './intrinsic-pvs.js';
import { ScriptEnv } from './env.js';
import type { ScriptSymbols } from './symbols.js';
import type { ScriptValue } from './values.js';

/** One pseudo-variable compiled from its text: `set` is absent when it is read-only. */
export interface PvAccessor {
  readonly name: string;
  get(ctx: ScriptContext): ScriptValue;
  /** as the script's `=` (an AVP gets a new value on top; null deletes) */
  set?(ctx: ScriptContext, value: ScriptValue): void;
}

/**
 * For modules that name pseudo-variables at run time (app_ts's `ksr.pv.get("$ru")`):
 * compile `$name`, `$name(inner)` or `$name(inner)[index]` once, as the script compiler does.
 * Pass the script's ScriptEnv (RouteTable.env) so `$var(...)` shares the script's variables.
 * Throws an Error saying what is wrong for a malformed or unknown pseudo-variable.
 */
export function pvAccessor(text: string, scope: ScriptSymbols | ScriptEnv): PvAccessor {
  const env = scope instanceof ScriptEnv ? scope : new ScriptEnv(scope, 1);
  const loc: Loc = { file: '<pv>', line: 1, col: 1 };
  const scan = startsPv(text, 0) ? scanPv(text, 0, loc) : undefined;
  if (!scan?.ok || scan.end !== text.length) {
    const why = scan && !scan.ok ? scan.error : 'expected one pseudo-variable such as $ru or $avp(name)';
    throw new Error(`bad pseudo-variable "${text}": ${why}`);
  }
  const cs = new CompileState(env);
  const access = compilePv(cs, scan.pv);
  if (cs.errors.length > 0) throw new Error(cs.errors.map((e) => (e.hint ? `${e.message} (hint: ${e.hint})` : e.message)).join('; '));
  const write = access.set;
  return {
    name: access.text,
    get: access.get,
    set: write && ((ctx, v) => write(ctx, v, SetMode.SET)),
  };
}
