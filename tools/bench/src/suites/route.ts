import { RouteType, ScriptContext, SipMessage, TsipsServer, silentLogger, type ReceiveInfo } from '@tsips/core';
import { createProgress } from '../progress.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { median } from './parse.js';
import { SAMPLE_MESSAGES } from './parse-messages.js';
import { EMPTY_CONFIG, EMPTY_SCRIPT, ROUTE_CONFIG, ROUTE_EXPECT, ROUTE_SCRIPT, countStatements } from './route-script.js';
import type { Suite, SuiteResult } from './types.js';

/** The target for one execution of the ~20-statement route. */
export const TARGET_NS = 2000;

const RCV: ReceiveInfo = {
  proto: 'udp', srcIp: '127.0.0.1', srcPort: 5999, dstIp: '127.0.0.1', dstPort: 5060, conId: 0, listener: null, time: 0,
};

interface Case {
  name: string;
  statements: number;
  /** One execution as the server does it per message. */
  once(): void;
}

/** Nanoseconds per call of `fn` over about `ms` milliseconds (checked every 1000 calls). */
function nsPerRun(fn: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = performance.now();
  } while (now - start < ms);
  return ((now - start) * 1e6) / n;
}

async function loadServer(configText: string, configName: string): Promise<TsipsServer> {
  return TsipsServer.load({ configText, configName, logger: silentLogger() });
}

/** Counts DI look-ups made through the server's container while `fn` runs. */
function countResolves(server: TsipsServer, fn: () => void): number {
  const c = server.container;
  const resolve = c.resolve.bind(c);
  const resolveAll = c.resolveAll.bind(c);
  let n = 0;
  c.resolve = ((token: never) => { n++; return resolve(token); }) as typeof c.resolve;
  c.resolveAll = ((token: never) => { n++; return resolveAll(token); }) as typeof c.resolveAll;
  try {
    fn();
  } finally {
    c.resolve = resolve;
    c.resolveAll = resolveAll;
  }
  return n;
}

/** The $var values that differ from ROUTE_EXPECT after one run ('' when all match). */
export function wrongVars(get: (name: string) => unknown): string {
  return Object.entries(ROUTE_EXPECT)
    .filter(([k, v]) => get(k) !== v)
    .map(([k, v]) => `$var(${k})=${JSON.stringify(get(k))} (want ${JSON.stringify(v)})`)
    .join(', ');
}

export const routeSuite: Suite = {
  name: 'route',
  describe: 'compiled request route (~20 statements) executed per message, against an in-memory INVITE',
  async run(ctx): Promise<SuiteResult> {
    const secondsPerCase = ctx.opts.duration ?? (ctx.opts.quick ? 1 : 5);
    const rounds = ctx.opts.quick ? 3 : 7;
    const invite = SAMPLE_MESSAGES.find((m) => m.name === 'INVITE');
    if (!invite) throw new Error('route suite: no INVITE among the sample messages');
    const buf = invite.buf;
    const full = await loadServer(ROUTE_CONFIG, 'bench-route.cfg');
    const empty = await loadServer(EMPTY_CONFIG, 'bench-route-empty.cfg');
    const fullRoute = full.engine.routes.request;
    const emptyRoute = empty.engine.routes.request;
    if (!fullRoute || !emptyRoute) throw new Error('route suite: a config compiled without a request route');
    const msg = SipMessage.parse(buf);

    // One checked run first: the figures mean nothing if the route did not do its work.
    full.engine.run(fullRoute, new ScriptContext(msg, RCV, RouteType.REQUEST));
    const bad = wrongVars((name) => full.engine.routes.env.getVar(name));
    if (bad) throw new Error(`route suite: the route computed ${bad}`);

    const statements = countStatements(ROUTE_SCRIPT);
    const cases: Case[] = [
      { name: 'empty route', statements: 0, once: () => { empty.engine.run(emptyRoute, new ScriptContext(msg, RCV, RouteType.REQUEST)); } },
      { name: 'route', statements, once: () => { full.engine.run(fullRoute, new ScriptContext(msg, RCV, RouteType.REQUEST)); } },
      { name: 'parse + route', statements, once: () => { full.engine.run(fullRoute, new ScriptContext(SipMessage.parse(buf), RCV, RouteType.REQUEST)); } },
    ];
    const resolves = countResolves(full, () => { for (let i = 0; i < 10_000; i++) cases[2]!.once(); });

    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const progress = createProgress('route', cases.length * (rounds + 1));
    for (const c of cases) {
      progress.step(`warm-up ${c.name}`);
      nsPerRun(c.once, 300);
    }
    // Rounds interleave the cases (rotating who goes first) so drift hits all alike.
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(i + r) % cases.length]!;
        progress.step(`round ${r + 1}/${rounds} ${c.name}`);
        samples.get(c.name)!.push(nsPerRun(c.once, (secondsPerCase * 1000) / rounds));
      }
    }
    progress.done();

    const ns = (name: string): number => median(samples.get(name)!);
    const table: Table = {
      title: 'One request route execution: new ScriptContext + ScriptEngine.run (median of rounds)',
      columns: ['case', 'statements', 'ns/run', 'µs/run', 'runs/s', 'rounds min..max ns'],
      rows: cases.map((c) => {
        const s = samples.get(c.name)!;
        return [c.name, String(c.statements), fmt(ns(c.name), 0), fmt(ns(c.name) / 1000, 3), fmtInt(1e9 / ns(c.name)),
          `${fmt(Math.min(...s), 0)}..${fmt(Math.max(...s), 0)}`];
      }),
    };
    const routeNs = ns('route');
    const verdict = routeNs < TARGET_NS ? 'PASS' : 'FAIL';
    const summary = [
      `${verdict}: the ${statements}-statement route runs in ${fmt(routeNs / 1000, 3)} µs per message (target < ${TARGET_NS / 1000} µs)`,
      `route minus empty route: ${fmt(routeNs - ns('empty route'), 0)} ns for the statements themselves; parse + route: ${fmt(ns('parse + route') / 1000, 3)} µs`,
      `DI container look-ups during 10 000 parse + route runs: ${resolves}`,
    ];
    const notes = [
      'no peer: the suite runs tsips\' compiled script in this process (TsipsServer.load parses, loads and compiles the config without opening a socket)',
      `the route (tools/bench/src/suites/route-script.ts): ${statements} statements (ifs, $var assignments, string compares on $rm/$ru/$fU, regex matches =~ on $ru/$rU, int arithmetic, is_method, has_totag, a route() call); nothing sends; module sipmsgops`,
      `message: the ${buf.length}-byte INVITE of the parse suite; "route" runs on one message parsed once (its From/To are parsed lazily on the first run and cached, as for a message the server handles); "parse + route" parses the buffer on every run`,
      'every run creates a fresh ScriptContext, as the server does per message; the route\'s $var results are checked once before timing',
      `${secondsPerCase} s per case in ${rounds} interleaved rounds after a 300 ms warm-up; one Node ${process.version} process`,
    ];
    return {
      suite: 'route',
      title: 'Compiled route execution per message',
      notes,
      tables: [table],
      summary,
      data: {
        secondsPerCase, rounds, statements, emptyStatements: countStatements(EMPTY_SCRIPT), targetNs: TARGET_NS, verdict, diResolves: resolves,
        results: cases.map((c) => ({ case: c.name, samplesNs: samples.get(c.name), medianNs: ns(c.name) })),
      },
    };
  },
};
