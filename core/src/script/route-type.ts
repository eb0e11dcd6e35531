/**
 * Route kinds as OpenSIPS numbers them; a script function's `routes` mask says where it may be
 * called, and the compiler checks every call against the route kinds that reach it.
 */
export const RouteType = {
  REQUEST: 1,
  FAILURE: 2,
  ONREPLY: 4,
  BRANCH: 8,
  ERROR: 16,
  LOCAL: 32,
  STARTUP: 64,
  TIMER: 128,
  EVENT: 256,
} as const;
export type RouteTypeBit = (typeof RouteType)[keyof typeof RouteType];

export const ALL_ROUTES = 511;

const NAMES: Record<number, string> = {
  1: 'request_route',
  2: 'failure_route',
  4: 'onreply_route',
  8: 'branch_route',
  16: 'error_route',
  32: 'local_route',
  64: 'startup_route',
  128: 'timer_route',
  256: 'event_route',
};

export function routeTypeName(bit: number): string {
  return NAMES[bit] ?? `route type ${bit}`;
}

/** "request_route, failure_route" for a mask: used in compiler messages. */
export function routeMaskNames(mask: number): string {
  const out: string[] = [];
  for (let b = 1; b <= 256; b <<= 1) if (mask & b) out.push(NAMES[b]!);
  return out.join(', ');
}
