import { connsSuite } from './conns.js';
import { msrpSuite } from './msrp.js';
import { parseSuite } from './parse.js';
import { proxySuite } from './proxy.js';
import { routeSuite } from './route.js';
import { tmMemorySuite } from './tm-memory.js';
import { traceSuite } from './trace.js';
import type { Suite } from './types.js';

/** Every suite `npm run bench -- <name>` knows. A new suite is one file and one line here. */
export const SUITES: readonly Suite[] = [
  parseSuite,
  proxySuite('stateless'),
  proxySuite('stateful'),
  routeSuite,
  connsSuite,
  tmMemorySuite,
  traceSuite,
  msrpSuite,
];

export const SUITE_NAMES: readonly string[] = SUITES.map((s) => s.name);

export function suiteByName(name: string): Suite | undefined {
  return SUITES.find((s) => s.name === name);
}
