import { TsipsError } from '../errors.js';
import type { Loc, RouteDecl } from '../config/ast.js';
import type { ScriptContext } from './context.js';
import type { ScriptEnv } from './env.js';
import type { ScriptValue } from './values.js';

/** Compiled pieces: a statement, an expression's value, a condition, a function/route call. */
export type Exec = (ctx: ScriptContext) => void;
export type ValueFn = (ctx: ScriptContext) => ScriptValue;
export type CondFn = (ctx: ScriptContext) => boolean;
export type NumFn = (ctx: ScriptContext) => number;

export const noop: Exec = () => {};
export const nullValue: ValueFn = () => null;

/** A named route's compiled body, filled in after all bodies compiled (routes call forward). */
export interface RouteCell {
  run: Exec;
}

/** A function call site, checked against the route kinds that reach its route. */
export interface CallSite {
  name: string;
  allowed: number;
  loc: Loc;
}

/** One route being compiled: its route() edges and its function call sites. */
export interface RouteNode {
  decl: RouteDecl;
  calls: { target: string; loc: Loc }[];
  sites: CallSite[];
}

/** Names declared per table, for route() and 'route' arguments (routeKind). */
export type DeclaredRoutes = Record<'route' | 'failure' | 'onreply' | 'branch' | 'event' | 'local', Set<string>>;

/**
 * State of one compilation: the error list (everything is reported at once), the route being
 * compiled and how deeply `break` may reach.
 */
export class CompileState {
  readonly errors: TsipsError[] = [];
  readonly cells = new Map<string, RouteCell>();
  readonly nodes: RouteNode[] = [];
  readonly declared: DeclaredRoutes = {
    route: new Set(),
    failure: new Set(),
    onreply: new Set(),
    branch: new Set(),
    event: new Set(),
    local: new Set(),
  };
  current: RouteNode | null = null;
  /** enclosing while/switch statements: `break` needs one */
  breakable = 0;

  constructor(readonly env: ScriptEnv) {}

  error(code: string, message: string, loc: Loc, hint?: string): void {
    this.errors.push(new TsipsError(code, message, { loc, hint }));
  }
}
