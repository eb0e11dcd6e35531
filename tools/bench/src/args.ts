import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export const PEER_NAMES = ['tsips', 'kamailio'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** SIPp transport modes: UDP, one TCP connection, one TCP connection per call. */
export const TRANSPORTS = ['u1', 't1', 'tn'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export type ScenarioKind = 'tolerant' | 'strict';

export interface BenchOptions {
  suites: string[];
  quick: boolean;
  peers: PeerName[];
  /** Offered call rates (calls/s); undefined = the suite's default for quick/full. */
  rates?: number[];
  /** Seconds per measurement step; undefined = the suite's default. */
  duration?: number;
  transports?: Transport[];
  scenario: ScenarioKind;
  out: string;
  /** Install missing Debian packages with apt-get (default true). */
  install: boolean;
  /** msrp suite: sender/receiver pairs, SENDs in flight per sender, body bytes per chunk. */
  pairs?: number;
  window?: number;
  chunk?: number;
}

function listOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (items.length === 0) throw new InvalidArgumentError(`empty ${what} list`);
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) {
        throw new InvalidArgumentError(`unknown ${what} "${item}" (known: ${allowed.join(', ')})`);
      }
    }
    return [...new Set(items)] as T[];
  };
}

function positiveInts(value: string): number[] {
  const items = value.split(',').map((s) => s.trim());
  const nums = items.map(Number);
  if (items.length === 0 || nums.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InvalidArgumentError(`expected positive integers separated by commas, got "${value}"`);
  }
  return [...new Set(nums)].sort((a, b) => a - b);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

/** Builds the commander program; `suiteNames` feeds validation and the help text. */
export function buildProgram(suiteNames: readonly string[]): Command {
  return new Command()
    .name('bench')
    .description(`tsips benchmarks. Suites: ${suiteNames.join(', ')}`)
    .argument('<suites...>', `one or more of: ${suiteNames.join(', ')}`)
    .option('--quick', 'short run: fewer steps and shorter steps', false)
    .option('--peers <list>', 'proxies to compare (proxy suites)', listOf(PEER_NAMES, 'peer'), [...PEER_NAMES])
    .option('--rates <list>', 'offered call rates in calls/s, e.g. 500,1000,2000', positiveInts)
    .option('--duration <seconds>', 'seconds of traffic (or of timing) per step', positiveNumber)
    .option('--transports <list>', 'SIPp transports: u1 (UDP), t1 (one TCP conn), tn (TCP conn per call)', listOf(TRANSPORTS, 'transport'))
    .option('--scenario <kind>', 'SIPp scenarios: tolerant (ignores benign reorders) or strict (built-in)', 'tolerant')
    .option('--out <dir>', 'results folder', join(REPO_ROOT, 'bench-results'))
    .option('--no-install', 'never run apt-get; fail when a tool is missing')
    .option('--pairs <n>', 'msrp: sender/receiver connection pairs (default 4)', positiveInt)
    .option('--window <n>', 'msrp: SENDs each sender keeps waiting for the relay\'s 200 (default 16)', positiveInt)
    .option('--chunk <bytes>', 'msrp: body bytes per SEND chunk (default 8192)', positiveInt)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

interface RawOptions {
  quick: boolean;
  peers: PeerName[];
  rates?: number[];
  duration?: number;
  transports?: Transport[];
  scenario: string;
  out: string;
  install: boolean;
  pairs?: number;
  window?: number;
  chunk?: number;
}

/**
 * Parses the arguments after `bench` (no node/script prefix). Throws commander's
 * CommanderError on bad input or --help (its `code` says which).
 */
export function parseArgs(argv: readonly string[], suiteNames: readonly string[]): BenchOptions {
  const program = buildProgram(suiteNames);
  program.parse([...argv], { from: 'user' });
  const o = program.opts<RawOptions>();
  const suites = [...new Set(program.processedArgs[0] as string[])];
  const unknown = suites.filter((s) => !suiteNames.includes(s));
  if (unknown.length > 0) {
    program.error(`unknown suite "${unknown.join('", "')}" (known: ${suiteNames.join(', ')})`, { code: 'bench.unknownSuite' });
  }
  const scenario = o.scenario;
  if (scenario !== 'tolerant' && scenario !== 'strict') {
    return program.error(`--scenario must be tolerant or strict, got "${scenario}"`, { code: 'bench.badScenario' });
  }
  return {
    suites,
    quick: o.quick,
    peers: o.peers,
    ...(o.rates ? { rates: o.rates } : {}),
    ...(o.duration !== undefined ? { duration: o.duration } : {}),
    ...(o.transports ? { transports: o.transports } : {}),
    scenario,
    out: o.out,
    install: o.install,
    ...(o.pairs !== undefined ? { pairs: o.pairs } : {}),
    ...(o.window !== undefined ? { window: o.window } : {}),
    ...(o.chunk !== undefined ? { chunk: o.chunk } : {}),
  };
}
