import type { Logger } from 'pino';
import { lineOf, type ConfigAst, type RouteDecl } from '../config/ast.js';
import { ConfigErrors } from '../errors.js';
import { checkRouteKinds } from './checks.js';
import { compileBlock } from './compile-stmt.js';
import { CompileState, noop, type RouteNode } from './compile-state.js';
import { ScriptEnv } from './env.js';
import { routeLabel, type CompiledRoute, type RouteTable } from './routes.js';
import type { ScriptSymbols } from './symbols.js';

export interface CompileOptions {
  /** max_while_loops: iterations after which a while loop is left with an error */
  maxWhileLoops: number;
  log?: Logger;
}

/**
 * Compile a parsed script into closures. Function and pseudo-variable names are looked up in
 * `symbols` (the loaded modules and the core); every semantic error is collected and thrown
 * as one ConfigErrors, each with file:line:col and a hint.
 */
export function compileScript(ast: ConfigAst, symbols: ScriptSymbols, opts: CompileOptions): RouteTable {
  const env = new ScriptEnv(symbols, opts.maxWhileLoops, opts.log);
  const cs = new CompileState(env);
  const table: RouteTable = {
    request: null,
    named: new Map(),
    failure: new Map(),
    onreply: new Map(),
    onreplyDefault: null,
    branch: new Map(),
    event: new Map(),
    error: null,
    local: null,
    startup: null,
    timers: [],
    env,
  };

  // pass 1: declare every route, so calls and 'route' arguments may name routes defined later
  const accepted = declareRoutes(cs, ast.routes);

  // pass 2: compile the bodies
  for (const decl of ast.routes) {
    const node: RouteNode = { decl, calls: [], sites: [] };
    cs.current = node;
    const run = compileBlock(cs, decl.body);
    if (!accepted.has(decl)) continue;
    cs.nodes.push(node);
    const route: CompiledRoute = { kind: decl.kind, name: decl.name, loc: decl.loc, run };
    place(table, route, decl);
    if (decl.kind === 'route') cs.cells.get(decl.name!)!.run = run;
  }
  cs.current = null;
  checkRouteKinds(cs);
  if (cs.errors.length > 0) throw new ConfigErrors(cs.errors);
  return table;
}

/** Register route names (reporting duplicates and unknown events); returns the accepted ones. */
function declareRoutes(cs: CompileState, routes: readonly RouteDecl[]): Set<RouteDecl> {
  const accepted = new Set<RouteDecl>();
  const first = new Map<string, RouteDecl>();
  for (const decl of routes) {
    const label = routeLabel(decl.kind, decl.name);
    const prev = first.get(label);
    if (prev) {
      cs.error('TSIPS_ERR_DUPLICATE_ROUTE', `${label} is defined twice`, decl.loc, `first defined at ${lineOf(prev.loc)}`);
      continue;
    }
    first.set(label, decl);
    accepted.add(decl);
    const name = decl.name;
    switch (decl.kind) {
      case 'route':
        cs.cells.set(name!, { run: noop });
        cs.declared.route.add(name!);
        break;
      case 'event':
        if (!name!.startsWith('E_') && !cs.env.symbols.event(name!))
          cs.error('TSIPS_ERR_UNKNOWN_EVENT', `unknown event '${name}' in event_route`, decl.loc, 'no loaded module declares it; custom events must be named E_...');
        cs.declared.event.add(name!);
        break;
      case 'failure':
      case 'branch':
        cs.declared[decl.kind].add(name!);
        break;
      case 'onreply':
        if (name !== undefined) cs.declared.onreply.add(name);
        break;
      case 'local':
        cs.declared.local.add('');
        break;
      default:
        break;
    }
  }
  return accepted;
}

function place(table: RouteTable, route: CompiledRoute, decl: RouteDecl): void {
  const name = decl.name!;
  switch (decl.kind) {
    case 'request':
      table.request = route;
      break;
    case 'route':
      table.named.set(name, route);
      break;
    case 'failure':
      table.failure.set(name, route);
      break;
    case 'onreply':
      if (decl.name === undefined) table.onreplyDefault = route;
      else table.onreply.set(name, route);
      break;
    case 'branch':
      table.branch.set(name, route);
      break;
    case 'event':
      table.event.set(name, route);
      break;
    case 'error':
      table.error = route;
      break;
    case 'local':
      table.local = route;
      break;
    case 'startup':
      table.startup = route;
      break;
    case 'timer':
      table.timers.push({ name, interval: decl.interval!, route });
      break;
  }
}
