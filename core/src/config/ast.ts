/**
 * The syntax tree of a routing script (opensips.cfg / kamailio.cfg). The parser builds it, the
 * compiler (script/compile.ts) turns it into closures once; no message ever walks it.
 */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

/** `file:line`: how hints point at a place ("block opened at main.cfg:12"). */
export function lineOf(loc: Loc): string {
  return `${loc.file}:${loc.line}`;
}

// ---------------------------------------------------------------- directives (top level)

export interface GlobalDirective {
  type: 'global';
  name: string;
  value: string | number | boolean;
  loc: Loc;
}

export interface SocketDirective {
  type: 'socket';
  keyword: 'socket' | 'listen';
  proto: string;
  host: string;
  port?: number;
  asHost?: string;
  asPort?: number;
  tag?: string;
  loc: Loc;
}

export interface AliasDirective {
  type: 'alias';
  proto?: string;
  host: string;
  port?: number;
  loc: Loc;
}

export interface MpathDirective {
  type: 'mpath';
  paths: string[];
  loc: Loc;
}

export interface LoadModuleDirective {
  type: 'loadmodule';
  name: string;
  loc: Loc;
}

export interface ModparamDirective {
  type: 'modparam';
  /** a regular expression matched (anchored, case-insensitive) against loaded module names */
  module: string;
  param: string;
  value: string | number;
  loc: Loc;
}

export type Directive =
  | GlobalDirective
  | SocketDirective
  | AliasDirective
  | MpathDirective
  | LoadModuleDirective
  | ModparamDirective;

// ---------------------------------------------------------------- routes

export type RouteKind =
  | 'request'
  | 'route'
  | 'failure'
  | 'onreply'
  | 'branch'
  | 'error'
  | 'local'
  | 'startup'
  | 'timer'
  | 'event';

export interface RouteDecl {
  kind: RouteKind;
  /** route[name], failure_route[name] ...; absent for the main route and the global onreply_route */
  name?: string;
  /** timer_route[name, interval]: seconds */
  interval?: number;
  body: Stmt[];
  loc: Loc;
}

export interface ConfigAst {
  directives: Directive[];
  routes: RouteDecl[];
}

// ---------------------------------------------------------------- expressions

/** `{s.substr,1,2}`: a transformation applied to a pseudo-variable's value, as written */
export interface TransformExpr {
  /** `s.substr` */
  name: string;
  /** the text after the first ',' (`1,2`); split per the transformation's arguments when compiled */
  params?: string;
  /** `{s.substr,1,2}` */
  text: string;
}

/** `$name`, `$name(inner)`, `$name(inner)[index]`, `$(name(inner)[index]{tr}...)` */
export interface PvExpr {
  type: 'pv';
  name: string;
  inner?: string;
  index?: PvIndex;
  /** `$(pv{tr1}{tr2})`: applied left to right to the value read */
  transforms?: TransformExpr[];
  /** the source text, for messages and PvRef.name */
  text: string;
  loc: Loc;
}

export type PvIndex = { type: 'int'; value: number } | PvExpr;

/** core keywords read through pseudo-variables: `method` is $rm, `uri` is $ru ... */
export const KEYWORD_PVS = {
  method: 'rm',
  uri: 'ru',
  src_ip: 'si',
  src_port: 'sp',
  dst_ip: 'Ri',
  dst_port: 'Rp',
  proto: 'proto',
  status: 'rs',
  af: 'af',
  from_uri: 'fu',
  to_uri: 'tu',
} as const;
export type CoreKeyword = keyof typeof KEYWORD_PVS;

export interface CallExpr {
  type: 'call';
  name: string;
  args: Expr[];
  loc: Loc;
}

/** `route(name)`: runs a named route; its value is the route's return code */
export interface RouteCallExpr {
  type: 'route';
  name: string;
  loc: Loc;
}

export type UnaryOp = '!' | '~' | '-';
export type BinaryOp =
  | '*' | '/' | '%'
  | '+' | '-'
  | '&' | '|' | '^'
  | '<' | '>' | '<=' | '>='
  | '==' | '!=' | '=~' | '!~'
  | '&&' | '||';

export type Expr =
  | { type: 'int'; value: number; loc: Loc }
  | { type: 'str'; value: string; loc: Loc }
  | { type: 'null'; loc: Loc }
  | PvExpr
  | { type: 'keyword'; name: CoreKeyword; loc: Loc }
  | { type: 'myself'; loc: Loc }
  | CallExpr
  | RouteCallExpr
  | { type: 'unary'; op: UnaryOp; arg: Expr; loc: Loc }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; loc: Loc };

// ---------------------------------------------------------------- statements

export type AssignOp = '=' | ':=' | '+=' | '-=';

export interface SwitchCase {
  /** null for `default:` */
  value: string | number | null;
  body: Stmt[];
  loc: Loc;
}

export type Stmt =
  | { type: 'block'; body: Stmt[]; loc: Loc }
  | { type: 'if'; cond: Expr; then: Stmt; else?: Stmt; loc: Loc }
  | { type: 'while'; cond: Expr; body: Stmt; loc: Loc }
  | { type: 'switch'; subject: Expr; cases: SwitchCase[]; loc: Loc }
  | { type: 'return'; value?: Expr; loc: Loc }
  | { type: 'exit' | 'drop' | 'break'; loc: Loc }
  | { type: 'assign'; op: AssignOp; target: PvExpr; value: Expr; loc: Loc }
  | { type: 'expr'; expr: CallExpr | RouteCallExpr; loc: Loc };
