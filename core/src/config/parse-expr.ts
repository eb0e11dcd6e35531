import { KEYWORD_PVS, type BinaryOp, type CallExpr, type CoreKeyword, type Expr, type Loc, type RouteCallExpr } from './ast.js';
import { describe, type TokenStream } from './token-stream.js';

/** Binary operator precedence (higher binds tighter), C-like as the script language has it. */
const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3, '!=': 3, '=~': 3, '!~': 3,
  '<': 4, '>': 4, '<=': 4, '>=': 4,
  '&': 5, '|': 5, '^': 5,
  '+': 6, '-': 6,
  '*': 7, '/': 7, '%': 7,
};

/** A '}' or ';' where an operand belongs is reported without consuming it: it ends the block or statement. */
function refuseCloser(ts: TokenStream, message?: string): void {
  const t = ts.peek();
  if (t.kind === 'op' && (t.value === '}' || t.value === ';'))
    ts.fail(message ?? `expected an expression, found ${describe(t)}`, t.loc, message && 'arguments are quoted strings, names, integers or pseudo-variables');
}

export function parseExpr(ts: TokenStream): Expr {
  return parseBinary(ts, 1);
}

function parseBinary(ts: TokenStream, minPrec: number): Expr {
  let left = parseUnary(ts);
  for (;;) {
    const t = ts.peek();
    const prec = t.kind === 'op' ? PRECEDENCE[t.value] : undefined;
    if (prec === undefined || prec < minPrec) return left;
    ts.next();
    const right = parseBinary(ts, prec + 1);
    left = { type: 'binary', op: t.value as BinaryOp, left, right, loc: t.loc };
  }
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (t.kind === 'op' && (t.value === '!' || t.value === '~' || t.value === '-')) {
    ts.next();
    const arg = parseUnary(ts);
    if (t.value === '-' && arg.type === 'int') return { type: 'int', value: -arg.value, loc: t.loc };
    return { type: 'unary', op: t.value, arg, loc: t.loc };
  }
  return parsePrimary(ts);
}

function parsePrimary(ts: TokenStream): Expr {
  refuseCloser(ts);
  const t = ts.next();
  switch (t.kind) {
    case 'int':
      return { type: 'int', value: t.value, loc: t.loc };
    case 'str':
      return { type: 'str', value: t.value, loc: t.loc };
    case 'pv':
      return t.pv;
    case 'op':
      if (t.value === '(') {
        const e = parseExpr(ts);
        ts.expectOp(')', 'to close the parenthesis');
        return e;
      }
      break;
    case 'ident': {
      if (t.value === 'null') return { type: 'null', loc: t.loc };
      if (t.value === 'myself') return { type: 'myself', loc: t.loc };
      if (ts.isOp('(')) return t.value === 'route' ? parseRouteCall(ts, t.loc) : parseCall(ts, t.value, t.loc);
      if (Object.hasOwn(KEYWORD_PVS, t.value)) return { type: 'keyword', name: t.value as CoreKeyword, loc: t.loc };
      return ts.fail(`unexpected identifier '${t.value}'`, t.loc, `function calls need parentheses: ${t.value}()`);
    }
    default:
      break;
  }
  return ts.fail(`expected an expression, found ${describe(t)}`, t.loc);
}

/** `name(arg, ...)` with the name consumed; arguments are literals or pseudo-variables. */
export function parseCall(ts: TokenStream, name: string, loc: Loc): CallExpr {
  ts.expectOp('(', `after '${name}'`);
  const args: Expr[] = [];
  if (!ts.eatOp(')')) {
    do args.push(parseArg(ts, name));
    while (ts.eatOp(','));
    ts.expectOp(')', `to close the arguments of '${name}'`);
  }
  return { type: 'call', name, args, loc };
}

function parseArg(ts: TokenStream, fn: string): Expr {
  refuseCloser(ts, `bad argument ${describe(ts.peek())} to '${fn}'`);
  const t = ts.next();
  if (t.kind === 'str') return { type: 'str', value: t.value, loc: t.loc };
  if (t.kind === 'int') return { type: 'int', value: t.value, loc: t.loc };
  if (t.kind === 'pv') return t.pv;
  if (t.kind === 'op' && t.value === '-' && ts.peek().kind === 'int')
    return { type: 'int', value: -(ts.next().value as number), loc: t.loc };
  if (t.kind === 'ident')
    // bare names are strings: setflag(DO_NAT) as in OpenSIPS' named flags
    return t.value === 'null' ? { type: 'null', loc: t.loc } : { type: 'str', value: t.value, loc: t.loc };
  return ts.fail(
    `bad argument ${describe(t)} to '${fn}'`,
    t.loc,
    'arguments are quoted strings, names, integers or pseudo-variables',
  );
}

/** `route(name)` with `route` consumed: the name is an identifier, a number or a string. */
export function parseRouteCall(ts: TokenStream, loc: Loc): RouteCallExpr {
  ts.expectOp('(', "after 'route'");
  const t = ts.next();
  if (t.kind !== 'ident' && t.kind !== 'int' && t.kind !== 'str')
    ts.fail(`expected a route name, found ${describe(t)}`, t.loc, 'write route(name)');
  ts.expectOp(')', 'to close route(...)');
  return { type: 'route', name: String(t.value), loc };
}
