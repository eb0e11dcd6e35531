import type { BinaryOp, Expr } from '../config/ast.js';
import { compileCall, compileRouteCall } from './compile-call.js';
import { compileKeyword, compilePv } from './compile-pv.js';
import { nullValue, type CompileState, type CondFn, type ValueFn } from './compile-state.js';
import { add, compare, INT_OPS, looseEq } from './ops.js';
import { dynamicRegex, scriptRegex } from './regex.js';
import { isTruthy, toInt } from './values.js';

/** Operators whose result is a truth value (compiled as conditions, valued 1/0). */
const CONDITION_OPS = new Set<BinaryOp>(['==', '!=', '=~', '!~', '<', '>', '<=', '>=', '&&', '||']);

/** An expression's value. Function calls and route() are worth their return code. */
export function compileValue(cs: CompileState, e: Expr): ValueFn {
  switch (e.type) {
    case 'int':
    case 'str': {
      const v = e.value;
      return () => v;
    }
    case 'null':
      return nullValue;
    case 'pv':
      return compilePv(cs, e).get;
    case 'keyword':
      return compileKeyword(cs, e.name, e.loc).get;
    case 'myself':
      cs.error('TSIPS_ERR_SCRIPT', "'myself' can only be compared with == or !=", e.loc, 'write uri == myself');
      return nullValue;
    case 'call':
      return compileCall(cs, e);
    case 'route':
      return compileRouteCall(cs, e);
    case 'unary': {
      if (e.op === '!') {
        const c = compileCond(cs, e.arg);
        return (ctx) => (c(ctx) ? 0 : 1);
      }
      const v = compileValue(cs, e.arg);
      return e.op === '~' ? (ctx) => ~toInt(v(ctx)) : (ctx) => -toInt(v(ctx)) | 0;
    }
    case 'binary': {
      if (CONDITION_OPS.has(e.op)) {
        const c = compileCond(cs, e);
        return (ctx) => (c(ctx) ? 1 : 0);
      }
      const l = compileValue(cs, e.left);
      const r = compileValue(cs, e.right);
      if (e.op === '+') return (ctx) => add(l(ctx), r(ctx));
      const f = INT_OPS[e.op]!;
      return (ctx) => f(toInt(l(ctx)), toInt(r(ctx)));
    }
  }
}

/** An expression as a condition: calls are true when >0, values when non-empty/non-zero. */
export function compileCond(cs: CompileState, e: Expr): CondFn {
  switch (e.type) {
    case 'call':
    case 'route': {
      const f = e.type === 'call' ? compileCall(cs, e) : compileRouteCall(cs, e);
      return (ctx) => f(ctx) > 0;
    }
    case 'unary':
      if (e.op === '!') {
        const c = compileCond(cs, e.arg);
        return (ctx) => !c(ctx);
      }
      break;
    case 'binary':
      switch (e.op) {
        case '&&': {
          const a = compileCond(cs, e.left);
          const b = compileCond(cs, e.right);
          return (ctx) => a(ctx) && b(ctx);
        }
        case '||': {
          const a = compileCond(cs, e.left);
          const b = compileCond(cs, e.right);
          // a function returning 0 on the left stops the script: do not run the right side
          return (ctx) => a(ctx) || (ctx.flow === 0 && b(ctx));
        }
        case '==':
        case '!=':
          return compileEquality(cs, e.op, e.left, e.right);
        case '=~':
        case '!~':
          return compileMatch(cs, e.op, e.left, e.right);
        case '<':
        case '>':
        case '<=':
        case '>=':
          return compileOrder(cs, e.op, e.left, e.right);
        default:
          break;
      }
      break;
    default:
      break;
  }
  const v = compileValue(cs, e);
  return (ctx) => isTruthy(v(ctx));
}

function compileEquality(cs: CompileState, op: '==' | '!=', left: Expr, right: Expr): CondFn {
  const l = compileValue(cs, left);
  if (right.type === 'myself') {
    const symbols = cs.env.symbols;
    const mine = (ctx: Parameters<ValueFn>[0]): boolean => {
      const v = l(ctx);
      return v !== null && symbols.myself(String(v));
    };
    return op === '==' ? mine : (ctx) => !mine(ctx);
  }
  const r = compileValue(cs, right);
  return op === '==' ? (ctx) => looseEq(l(ctx), r(ctx)) : (ctx) => !looseEq(l(ctx), r(ctx));
}

/** `=~` / `!~`: POSIX extended, case-insensitive; a literal pattern is compiled once. */
function compileMatch(cs: CompileState, op: '=~' | '!~', left: Expr, right: Expr): CondFn {
  const l = compileValue(cs, left);
  let test: CondFn;
  if (right.type === 'str') {
    let re: RegExp;
    try {
      re = scriptRegex(right.value);
    } catch (err) {
      cs.error('TSIPS_ERR_SCRIPT', `bad regular expression "${right.value}": ${(err as Error).message}`, right.loc);
      return () => false;
    }
    test = (ctx) => {
      const v = l(ctx);
      return v !== null && re.test(String(v));
    };
  } else {
    const r = compileValue(cs, right);
    const regex = dynamicRegex();
    test = (ctx) => {
      const v = l(ctx);
      const p = r(ctx);
      return v !== null && p !== null && regex(String(p)).test(String(v));
    };
  }
  return op === '=~' ? test : (ctx) => !test(ctx);
}

function compileOrder(cs: CompileState, op: '<' | '>' | '<=' | '>=', left: Expr, right: Expr): CondFn {
  const l = compileValue(cs, left);
  const r = compileValue(cs, right);
  switch (op) {
    case '<':
      return (ctx) => compare(l(ctx), r(ctx)) < 0;
    case '>':
      return (ctx) => compare(l(ctx), r(ctx)) > 0;
    case '<=':
      return (ctx) => compare(l(ctx), r(ctx)) <= 0;
    case '>=':
      return (ctx) => compare(l(ctx), r(ctx)) >= 0;
  }
}
