import type { Expr, Stmt, SwitchCase } from '../config/ast.js';
import { formatLocation } from '../errors.js';
import { compileCall, compileRouteCall } from './compile-call.js';
import { compileCond, compileValue } from './compile-expr.js';
import { compileWritablePv } from './compile-pv.js';
import { noop, type CompileState, type Exec } from './compile-state.js';
import { Flow } from './context.js';
import { SetMode } from './intrinsic-pvs.js';
import { add, looseEq } from './ops.js';
import { toInt, type ScriptValue } from './values.js';

/**
 * Statements to closures. Control flow travels in ctx.flow: every sequence stops as soon as
 * it is not Flow.NEXT; while/switch consume BREAK, route() consumes RETURN, nothing but the
 * engine sees EXIT.
 */
export function compileBlock(cs: CompileState, body: readonly Stmt[]): Exec {
  return sequence(body.map((s) => compileStmt(cs, s)));
}

function sequence(list: Exec[]): Exec {
  const n = list.length;
  if (n === 0) return noop;
  if (n === 1) return list[0]!;
  return (ctx) => {
    for (let i = 0; i < n; i++) {
      list[i]!(ctx);
      if (ctx.flow !== Flow.NEXT) return;
    }
  };
}

function compileStmt(cs: CompileState, s: Stmt): Exec {
  switch (s.type) {
    case 'block':
      return compileBlock(cs, s.body);
    case 'if':
      return compileIf(cs, s);
    case 'while':
      return compileWhile(cs, s);
    case 'switch':
      return compileSwitch(cs, s);
    case 'return':
      return compileReturn(cs, s.value);
    case 'exit':
      return (ctx) => void (ctx.flow = Flow.EXIT);
    case 'drop':
      return (ctx) => {
        ctx.dropped = true;
        ctx.flow = Flow.EXIT;
      };
    case 'break':
      if (cs.breakable === 0) cs.error('TSIPS_ERR_SCRIPT', "'break' outside of a switch or while", s.loc, 'break only ends a switch case or a while loop');
      return (ctx) => void (ctx.flow = Flow.BREAK);
    case 'assign':
      return compileAssign(cs, s);
    case 'expr':
      return s.expr.type === 'call' ? compileCall(cs, s.expr) : compileRouteCall(cs, s.expr);
  }
}

function compileIf(cs: CompileState, s: Extract<Stmt, { type: 'if' }>): Exec {
  const cond = compileCond(cs, s.cond);
  const then = compileStmt(cs, s.then);
  const otherwise = s.else ? compileStmt(cs, s.else) : noop;
  return (ctx) => {
    const c = cond(ctx);
    if (ctx.flow !== Flow.NEXT) return; // a function in the condition returned 0
    if (c) then(ctx);
    else otherwise(ctx);
  };
}

/** `while`: at most max_while_loops iterations, then an error is logged and the loop left. */
function compileWhile(cs: CompileState, s: Extract<Stmt, { type: 'while' }>): Exec {
  const cond = compileCond(cs, s.cond);
  cs.breakable++;
  const body = compileStmt(cs, s.body);
  cs.breakable--;
  const env = cs.env;
  const max = env.maxWhileLoops;
  let reported = false;
  return (ctx) => {
    for (let n = 0; ; n++) {
      const c = cond(ctx);
      if (ctx.flow !== Flow.NEXT || !c) return;
      if (n >= max) {
        env.counters.whileLimit++;
        if (!reported) {
          reported = true;
          env.log?.error({ loc: formatLocation(s.loc) }, `while loop at ${formatLocation(s.loc)} stopped after max_while_loops (${max}) iterations`);
        }
        return;
      }
      body(ctx);
      const flow = ctx.flow;
      if (flow !== Flow.NEXT) {
        if (flow === Flow.BREAK) ctx.flow = Flow.NEXT;
        return;
      }
    }
  };
}

/**
 * `switch`: the case bodies are laid out in one list, each label pointing at its first
 * statement, so a case without `break` falls through into the next as in C.
 */
function compileSwitch(cs: CompileState, s: Extract<Stmt, { type: 'switch' }>): Exec {
  const subject = compileValue(cs, s.subject);
  const flat: Exec[] = [];
  const labels: ScriptValue[] = [];
  const starts: number[] = [];
  let fallback = -1;
  const seen: SwitchCase[] = [];
  cs.breakable++;
  for (const c of s.cases) {
    const dup = seen.find((o) => (c.value === null ? o.value === null : o.value !== null && looseEq(o.value, c.value)));
    if (dup)
      cs.error('TSIPS_ERR_SCRIPT', `duplicate ${c.value === null ? 'default' : `case ${JSON.stringify(c.value)}`} in switch`, c.loc, `first at ${formatLocation(dup.loc)}`);
    seen.push(c);
    if (c.value === null) fallback = flat.length;
    else {
      labels.push(c.value);
      starts.push(flat.length);
    }
    for (const st of c.body) flat.push(compileStmt(cs, st));
  }
  cs.breakable--;
  const n = flat.length;
  const end = fallback < 0 ? n : fallback;
  return (ctx) => {
    const v = subject(ctx);
    if (ctx.flow !== Flow.NEXT) return;
    let i = end;
    for (let k = 0; k < labels.length; k++)
      if (looseEq(v, labels[k]!)) {
        i = starts[k]!;
        break;
      }
    for (; i < n; i++) {
      flat[i]!(ctx);
      const flow = ctx.flow;
      if (flow !== Flow.NEXT) {
        if (flow === Flow.BREAK) ctx.flow = Flow.NEXT;
        return;
      }
    }
  };
}

/** `return;` is return(1); return(0) stops the whole script like exit. */
function compileReturn(cs: CompileState, e: Expr | undefined): Exec {
  if (e === undefined) return setReturn(1);
  if (e.type === 'int') return setReturn(e.value);
  const v = compileValue(cs, e);
  return (ctx) => {
    const n = toInt(v(ctx));
    ctx.ret = n;
    ctx.flow = n === 0 ? Flow.EXIT : Flow.RETURN;
  };
}

function setReturn(n: number): Exec {
  const flow = n === 0 ? Flow.EXIT : Flow.RETURN;
  return (ctx) => {
    ctx.ret = n;
    ctx.flow = flow;
  };
}

function compileAssign(cs: CompileState, s: Extract<Stmt, { type: 'assign' }>): Exec {
  const value = compileValue(cs, s.value);
  const target = compileWritablePv(cs, s.target);
  if (!target) return noop;
  const { get, set } = target;
  switch (s.op) {
    case '=':
      return (ctx) => set(ctx, value(ctx), SetMode.SET);
    case ':=':
      return (ctx) => set(ctx, value(ctx), SetMode.REPLACE);
    case '+=':
      return (ctx) => set(ctx, add(get(ctx), value(ctx)), SetMode.UPDATE);
    case '-=':
      return (ctx) => set(ctx, (toInt(get(ctx)) - toInt(value(ctx))) | 0, SetMode.UPDATE);
  }
}
