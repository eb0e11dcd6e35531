import { ALL_ROUTES, routeMaskNames, routeTypeName, type CmdSpec, type ScriptSymbols } from '@tsips/core';
import type { ArgConverter } from './ksr-args.js';
import type { KsrArg, KsrModuleFunctions } from './ksr-types.js';
import type { Runner } from './runner.js';

type ResolvedCmd = NonNullable<ReturnType<ScriptSymbols['cmd']>>;
type KsrFunction = (...args: KsrArg[]) => number;

/**
 * `ksr.<module>.<fn>`: one wrapper per script function of the core ("core") and of every
 * loaded module, grouped by module name. Built once at init.
 */
export function moduleNamespaces(symbols: ScriptSymbols, runner: Runner, conv: ArgConverter): Map<string, KsrModuleFunctions> {
  const out = new Map<string, KsrModuleFunctions>();
  for (const name of symbols.cmdNames()) {
    const cmd = symbols.cmd(name)!;
    let ns = out.get(cmd.module);
    if (!ns) out.set(cmd.module, (ns = {}));
    ns[name] = wrapCmd(cmd, runner, conv);
  }
  for (const ns of out.values()) Object.freeze(ns);
  return out;
}

function required(spec: CmdSpec): number {
  return spec.args?.filter((a) => !a.optional).length ?? 0;
}

/**
 * A call on the current message: the overload is picked by the number of arguments given
 * (trailing undefined ones do not count), values are converted per ArgSpec, the route kind is
 * checked like the compiler does, and the code is stored as $rc. A code of 0 ends the
 * invocation (later ksr actions do nothing); an exception thrown by the function is counted,
 * logged once and taken as -1, while a wrong call (arity, types) throws into the routing code.
 */
function wrapCmd(cmd: ResolvedCmd, rt: Runner, conv: ArgConverter): KsrFunction {
  const label = `ksr.${cmd.module}.${cmd.name}`;
  const max = Math.max(0, ...cmd.overloads.map((o) => o.args?.length ?? 0));
  const byCount: (CmdSpec | undefined)[] = [];
  for (let n = 0; n <= max; n++) byCount.push(cmd.overloads.find((o) => required(o) <= n && n <= (o.args?.length ?? 0)));
  const accepted = byCount.flatMap((s, n) => (s ? [n] : [])).join(' or ');
  const cell = cmd.state;
  return (...args) => {
    const ctx = rt.current();
    if (rt.exited) return 0;
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    const spec = byCount[n];
    if (spec === undefined) throw new TypeError(`${label} takes ${accepted} argument(s), got ${n}`);
    const allowed = spec.routes ?? ALL_ROUTES;
    if ((allowed & ctx.routeType) === 0)
      throw new Error(`${label} cannot be used in ${routeTypeName(ctx.routeType)} (only in ${routeMaskNames(allowed)})`);
    const specs = spec.args!;
    const values: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = conv.convert(specs[i]!, args[i], `argument ${i + 1} of ${label}`);
    let rc: number;
    try {
      rc = spec.run(ctx, cell.value, ...values);
    } catch (err) {
      rt.fail(label, err);
      rc = -1;
    }
    ctx.retcode = rc;
    if (rc === 0) rt.exited = true;
    return rc;
  };
}
