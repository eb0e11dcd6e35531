import { lineOf, type Loc } from '../config/ast.js';
import type { CallSite, CompileState, RouteNode } from './compile-state.js';
import { routeMaskNames, routeTypeName } from './route-type.js';
import { ROUTE_KIND_BITS, routeLabel } from './routes.js';

/** How a top-level route reaches a named route: the route() calls on the way. */
interface Chain {
  top: RouteNode;
  via: { target: string; loc: Loc }[];
}

/**
 * Route-kind check: a function may only run in the route kinds its CmdSpec.routes allows.
 * A named route runs in the kind of every top-level route that reaches it through route()
 * calls (transitively), so each of its call sites is checked against all of those kinds.
 */
export function checkRouteKinds(cs: CompileState): void {
  const named = new Map<string, RouteNode>();
  for (const n of cs.nodes) if (n.decl.kind === 'route') named.set(n.decl.name!, n);

  // for each named route and route-kind bit, the first (shortest) chain that reaches it
  const reach = new Map<string, Map<number, Chain>>();
  for (const top of cs.nodes) {
    const bit = ROUTE_KIND_BITS[top.decl.kind];
    if (bit === 0) continue;
    for (const site of top.sites) if (!(site.allowed & bit)) report(cs, site, bit, undefined);
    const queue: [RouteNode, Chain][] = [[top, { top, via: [] }]];
    for (let q = 0; q < queue.length; q++) {
      const [node, chain] = queue[q]!;
      for (const call of node.calls) {
        const target = named.get(call.target);
        if (!target) continue;
        let byBit = reach.get(call.target);
        if (!byBit) reach.set(call.target, (byBit = new Map()));
        if (byBit.has(bit)) continue;
        const next: Chain = { top, via: [...chain.via, call] };
        byBit.set(bit, next);
        queue.push([target, next]);
      }
    }
  }
  for (const [name, byBit] of reach) {
    const node = named.get(name)!;
    for (const [bit, chain] of byBit) for (const site of node.sites) if (!(site.allowed & bit)) report(cs, site, bit, chain);
  }
}

function report(cs: CompileState, site: CallSite, bit: number, chain: Chain | undefined): void {
  const allowed = routeMaskNames(site.allowed) || 'no route';
  const message = `function '${site.name}' cannot be used in ${routeTypeName(bit)} (allowed in: ${allowed})`;
  let hint = `call it only from ${allowed}`;
  if (chain) {
    const { decl } = chain.top;
    const path = chain.via.map((c) => `route(${c.target}) at ${lineOf(c.loc)}`).join(' -> ');
    hint = `reached from ${routeLabel(decl.kind, decl.name)} at ${lineOf(decl.loc)} via ${path}`;
  }
  cs.error('TSIPS_ERR_ROUTE_KIND', message, site.loc, hint);
}
