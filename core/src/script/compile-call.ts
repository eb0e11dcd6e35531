import type { CallExpr, Loc, RouteCallExpr } from '../config/ast.js';
import { formatLocation } from '../errors.js';
import type { CmdSpec } from '../module/define.js';
import { compileArg, type Arg } from './compile-args.js';
import type { CompileState, NumFn } from './compile-state.js';
import { Flow, type ScriptContext } from './context.js';
import { MAX_ROUTE_DEPTH, type ScriptEnv } from './env.js';
import { ALL_ROUTES } from './route-type.js';
import { didYouMean } from './suggest.js';
import type { StateCell } from './symbols.js';

const failed: NumFn = () => -1;

/**
 * A script function call, compiled to a closure specialised by arity with constant arguments
 * captured. OpenSIPS return codes: the result is $rc; 0 stops the script like `exit`; an
 * exception is logged once per call site, counted and taken as -1.
 */
export function compileCall(cs: CompileState, call: CallExpr): NumFn {
  const { name, loc } = call;
  const resolved = cs.env.symbols.cmd(name);
  if (!resolved) {
    const hint = `is its module loaded?${didYouMean(name, cs.env.symbols.cmdNames())}`;
    cs.error('TSIPS_ERR_UNKNOWN_FUNCTION', `unknown function '${name}'`, loc, hint);
    return failed;
  }
  const n = call.args.length;
  const spec = resolved.overloads.find((o) => required(o) <= n && n <= (o.args?.length ?? 0));
  if (!spec) {
    cs.error('TSIPS_ERR_ARGS', `function '${name}' takes ${arities(resolved.overloads)}, got ${n}`, loc);
    return failed;
  }
  const args: Arg[] = [];
  let ok = true;
  call.args.forEach((e, i) => {
    const a = compileArg(cs, name, i + 1, spec.args![i]!, e, resolved.params);
    if (a) args.push(a);
    else ok = false;
  });
  cs.current?.sites.push({ name, allowed: spec.routes ?? ALL_ROUTES, loc });
  if (!ok) return failed;
  return guarded(cs.env, resolved.module, name, loc, invoker(spec, resolved.state, args));
}

function required(spec: CmdSpec): number {
  return spec.args?.filter((a) => !a.optional).length ?? 0;
}

/** "1 argument", "0, 1 or 2 arguments": the counts the overloads accept. */
function arities(overloads: readonly CmdSpec[]): string {
  const counts = new Set<number>();
  for (const o of overloads) for (let k = required(o); k <= (o.args?.length ?? 0); k++) counts.add(k);
  const list = [...counts].sort((a, b) => a - b).map(String);
  const text = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '0');
  return `${text} argument${text === '1' ? '' : 's'}`;
}

type Invoke = (ctx: ScriptContext) => number;
type Getter = (ctx: ScriptContext) => unknown;

function invoker(spec: CmdSpec, cell: StateCell, args: Arg[]): Invoke {
  if (args.every((a) => a.constant)) {
    const v = args.map((a) => (a as { value: unknown }).value);
    switch (v.length) {
      case 0:
        return (ctx) => spec.run(ctx, cell.value);
      case 1: {
        const [a] = v;
        return (ctx) => spec.run(ctx, cell.value, a);
      }
      case 2: {
        const [a, b] = v;
        return (ctx) => spec.run(ctx, cell.value, a, b);
      }
      case 3: {
        const [a, b, c] = v;
        return (ctx) => spec.run(ctx, cell.value, a, b, c);
      }
      default:
        return (ctx) => spec.run(ctx, cell.value, ...v);
    }
  }
  const g = args.map((a): Getter => {
    if (!a.constant) return a.get;
    const value = a.value;
    return () => value;
  });
  switch (g.length) {
    case 1: {
      const [a] = g as [Getter];
      return (ctx) => spec.run(ctx, cell.value, a(ctx));
    }
    case 2: {
      const [a, b] = g as [Getter, Getter];
      return (ctx) => spec.run(ctx, cell.value, a(ctx), b(ctx));
    }
    case 3: {
      const [a, b, c] = g as [Getter, Getter, Getter];
      return (ctx) => spec.run(ctx, cell.value, a(ctx), b(ctx), c(ctx));
    }
    default: {
      // arguments are literals and pv reads (never calls), so one buffer per call site is safe
      const n = g.length;
      const buf: unknown[] = new Array(n);
      return (ctx) => {
        for (let i = 0; i < n; i++) buf[i] = g[i]!(ctx);
        return spec.run(ctx, cell.value, ...buf);
      };
    }
  }
}

function guarded(env: ScriptEnv, module: string, name: string, loc: Loc, invoke: Invoke): NumFn {
  let reported = false;
  return (ctx) => {
    let rc: number;
    try {
      rc = invoke(ctx);
    } catch (err) {
      env.counters.cmdExceptions++;
      if (!reported) {
        reported = true;
        env.log?.error(
          { err, module, function: name, loc: formatLocation(loc) },
          `script function '${name}' of module ${module} threw at ${formatLocation(loc)}: ${(err as Error).message}; taken as -1 (reported once per call site)`,
        );
      }
      rc = -1;
    }
    ctx.retcode = rc;
    if (rc === 0) ctx.flow = Flow.EXIT;
    return rc;
  };
}

/**
 * `route(name)`: run the named route; its value is what it returned (1 when it fell off the
 * end). `exit` (or return(0)) inside it keeps Flow.EXIT so the callers stop too.
 */
export function compileRouteCall(cs: CompileState, e: RouteCallExpr): NumFn {
  const cell = cs.cells.get(e.name);
  if (!cell) {
    const hint = `define it with route[${e.name}] { ... }.${didYouMean(e.name, cs.cells.keys())}`;
    cs.error('TSIPS_ERR_UNKNOWN_ROUTE', `unknown route '${e.name}'`, e.loc, hint);
    return failed;
  }
  cs.current?.calls.push({ target: e.name, loc: e.loc });
  const env = cs.env;
  let reported = false;
  return (ctx) => {
    if (env.routeDepth >= MAX_ROUTE_DEPTH) {
      env.counters.routeDepthLimit++;
      if (!reported) {
        reported = true;
        env.log?.error({ loc: formatLocation(e.loc) }, `route(${e.name}) refused: more than ${MAX_ROUTE_DEPTH} nested route() calls`);
      }
      ctx.retcode = -1;
      return -1;
    }
    env.routeDepth++;
    cell.run(ctx);
    env.routeDepth--;
    const flow = ctx.flow;
    if (flow === Flow.EXIT) return 0;
    let rc = 1;
    if (flow === Flow.RETURN) {
      ctx.flow = Flow.NEXT;
      rc = ctx.ret;
    }
    ctx.retcode = rc;
    return rc;
  };
}
