import { lineOf, type AssignOp, type CallExpr, type Expr, type Loc, type RouteCallExpr, type Stmt, type SwitchCase } from './ast.js';
import type { Token } from './lexer.js';
import { parseCall, parseExpr, parseRouteCall } from './parse-expr.js';
import { describe, ParseAbort, Unwind, type TokenStream } from './token-stream.js';

/** Words that only start top-level items: met inside a block, they mean a '}' is missing. */
export const TOP_LEVEL_WORDS = new Set([
  'request_route', 'failure_route', 'onreply_route', 'reply_route', 'branch_route', 'error_route',
  'local_route', 'startup_route', 'timer_route', 'event_route',
  'loadmodule', 'modparam', 'include_file', 'import_file', 'mpath', 'socket', 'listen', 'alias',
]);

const ASSIGN_OPS = new Set(['=', ':=', '+=', '-=']);

/**
 * Statements of a block, after its '{' was consumed, up to and including the closing '}'.
 * A statement with a syntax error is skipped up to its ';' (or the end of its block) so that
 * every error of the file is reported in one run.
 */
/** Parse one statement into `body`; on a syntax error skip to the next one (errors are collected). */
function parseInto(ts: TokenStream, open: Loc, body: Stmt[]): void {
  try {
    const s = parseStatement(ts, open);
    if (s) body.push(s);
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
    skipStatement(ts);
  }
}

export function parseBlockBody(ts: TokenStream, open: Loc): Stmt[] {
  const body: Stmt[] = [];
  for (;;) {
    const t = ts.peek();
    if (t.kind === 'op' && t.value === '}') {
      ts.next();
      return body;
    }
    if (t.kind === 'eof') {
      ts.error('unexpected end of file', t.loc, `missing '}' for the block opened at ${lineOf(open)}`);
      throw new Unwind();
    }
    parseInto(ts, open, body);
  }
}

/** Skip to just after the next ';' of this block, or to its closing '}' (kept). */
function skipStatement(ts: TokenStream): void {
  let depth = 0;
  for (;;) {
    const t = ts.peek();
    if (t.kind === 'eof') return;
    if (t.kind === 'ident' && t.nl && depth === 0 && TOP_LEVEL_WORDS.has(t.value)) return;
    if (t.kind === 'op') {
      if (t.value === '}' && depth === 0) return;
      if (t.value === '{') depth++;
      else if (t.value === '}') depth--;
      else if (t.value === ';' && depth === 0) {
        ts.next();
        return;
      }
    }
    ts.next();
  }
}

function missingBrace(ts: TokenStream, t: Token, open: Loc): never {
  ts.error(`unexpected ${describe(t)} inside a block`, t.loc, `missing '}' for the block opened at ${lineOf(open)}`);
  ts.unread(t);
  throw new Unwind();
}

function parseStatement(ts: TokenStream, open: Loc): Stmt | null {
  const t = ts.next();
  if (t.kind === 'op') {
    if (t.value === ';') return null;
    if (t.value === '{') return { type: 'block', body: parseBlockBody(ts, t.loc), loc: t.loc };
  }
  if (t.kind === 'pv') {
    const op = ts.next();
    if (op.kind !== 'op' || !ASSIGN_OPS.has(op.value))
      ts.fail(`expected an assignment (=, :=, +=, -=) after ${t.value}, found ${describe(op)}`, op.loc);
    const value = parseExpr(ts);
    ts.expectOp(';', 'after the assignment');
    return { type: 'assign', op: op.value as AssignOp, target: t.pv, value, loc: t.loc };
  }
  if (t.kind !== 'ident') return ts.fail(`unexpected ${describe(t)}`, t.loc, 'expected a statement');
  if (TOP_LEVEL_WORDS.has(t.value)) missingBrace(ts, t, open);
  const loc = t.loc;
  switch (t.value) {
    case 'if':
      return parseIf(ts, loc, open);
    case 'while': {
      const cond = parseCondition(ts, 'while');
      return { type: 'while', cond, body: parseBody(ts, open), loc };
    }
    case 'switch':
      return parseSwitch(ts, loc);
    case 'return': {
      const value = ts.isOp(';') ? undefined : parseExpr(ts);
      ts.expectOp(';', "after 'return'");
      return value ? { type: 'return', value, loc } : { type: 'return', loc };
    }
    case 'exit':
    case 'drop':
    case 'break':
      if (t.value !== 'break' && ts.eatOp('(')) ts.expectOp(')', `after '${t.value}('`);
      ts.expectOp(';', `after '${t.value}'`);
      return { type: t.value as 'exit' | 'drop' | 'break', loc };
    case 'route':
      if (ts.isOp('[') || ts.isOp('{')) missingBrace(ts, t, open);
      return callStatement(ts, parseRouteCall(ts, loc));
    default:
      if (t.value === 'else' || t.value === 'case' || t.value === 'default')
        ts.fail(`'${t.value}' without ${t.value === 'else' ? "'if'" : "'switch'"}`, loc);
      if (!ts.isOp('('))
        ts.fail(`expected '(' after '${t.value}'`, ts.lastEnd, `function calls need parentheses: ${t.value}();`);
      return callStatement(ts, parseCall(ts, t.value, loc));
  }
}

function callStatement(ts: TokenStream, expr: CallExpr | RouteCallExpr): Stmt {
  ts.expectOp(';', `after ${expr.type === 'route' ? 'route(...)' : `${expr.name}(...)`}`);
  return { type: 'expr', expr, loc: expr.loc };
}

function parseCondition(ts: TokenStream, what: string): Expr {
  ts.expectOp('(', `after '${what}'`);
  const cond = parseExpr(ts);
  ts.expectOp(')', `to close the ${what} condition`);
  return cond;
}

/** The statement after `if (...)`, `else` or `while (...)`: a block or a single statement. */
function parseBody(ts: TokenStream, open: Loc): Stmt {
  const t = ts.peek();
  const s = parseStatement(ts, open);
  return s ?? { type: 'block', body: [], loc: t.loc };
}

function parseIf(ts: TokenStream, loc: Loc, open: Loc): Stmt {
  const cond = parseCondition(ts, 'if');
  const then = parseBody(ts, open);
  const t = ts.peek();
  if (t.kind === 'ident' && t.value === 'else') {
    ts.next();
    return { type: 'if', cond, then, else: parseBody(ts, open), loc };
  }
  return { type: 'if', cond, then, loc };
}

function parseSwitch(ts: TokenStream, loc: Loc): Stmt {
  const subject = parseCondition(ts, 'switch');
  const open = ts.expectOp('{', 'to open the switch body').loc;
  const cases: SwitchCase[] = [];
  for (;;) {
    const t = ts.next();
    if (t.kind === 'op' && t.value === '}') break;
    if (t.kind === 'eof') {
      ts.error('unexpected end of file', t.loc, `missing '}' for the block opened at ${lineOf(open)}`);
      throw new Unwind();
    }
    let value: string | number | null = null;
    if (t.kind === 'ident' && t.value === 'case') value = parseCaseValue(ts);
    else if (!(t.kind === 'ident' && t.value === 'default'))
      ts.fail(`expected 'case' or 'default' in switch, found ${describe(t)}`, t.loc);
    ts.expectOp(':', `after the ${value === null ? 'default' : 'case'} label`);
    cases.push({ value, body: parseCaseBody(ts, open), loc: t.loc });
  }
  return { type: 'switch', subject, cases, loc };
}

function parseCaseValue(ts: TokenStream): string | number {
  const t = ts.next();
  if (t.kind === 'str' || t.kind === 'int') return t.value;
  if (t.kind === 'op' && t.value === '-' && ts.peek().kind === 'int') return -(ts.next().value as number);
  return ts.fail(`bad case label ${describe(t)}`, t.loc, 'case labels are integers or quoted strings');
}

/** Statements of one case: up to the next case/default label or the switch's '}' (kept). */
function parseCaseBody(ts: TokenStream, open: Loc): Stmt[] {
  const body: Stmt[] = [];
  for (;;) {
    const t = ts.peek();
    if ((t.kind === 'op' && t.value === '}') || t.kind === 'eof') return body;
    if (t.kind === 'ident' && (t.value === 'case' || t.value === 'default')) return body;
    parseInto(ts, open, body);
  }
}
