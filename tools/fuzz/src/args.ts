import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CORPUS } from './corpus.js';
import { RESULTS_DIR } from './paths.js';
import { TARGETS, type Target } from './types.js';

export interface FuzzOptions {
  duration: number;
  seed?: number;
  targets?: Target[];
  config?: string;
  pid?: number;
  portBase?: number;
  batches?: number;
  rssLimit: number;
  out: string;
  corpus: string;
  /** true: the newest saved failure with --seed; a string: that failure folder */
  replay?: boolean | string;
  summaryJson?: string;
  quiet: boolean;
}

const int = (min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}, got "${v}"`);
  return n;
};

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${v}"`);
  return n;
};

function targets(v: string): Target[] {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('empty target list');
  for (const i of items) if (!(TARGETS as readonly string[]).includes(i)) throw new InvalidArgumentError(`unknown target "${i}" (known: ${TARGETS.join(', ')})`);
  return [...new Set(items)] as Target[];
}

export function buildProgram(): Command {
  return new Command()
    .name('fuzz')
    .description('Feed a tsips server malformed SIP (UDP, TCP), MSRP and HEP; check after every batch that it is alive and answering.')
    .option('--duration <s>', 'seconds of fuzzing (batches already started finish)', positive, 60)
    .option('--seed <n>', 'campaign seed (default: random, printed); the same seed sends the same bytes', int(0, 0xffffffff))
    .option('--targets <list>', `comma list of ${TARGETS.join(', ')} (default: all the server has)`, targets)
    .option('--config <file>', 'attach to a tsips already running with this config (its sockets and MI port are read from it)')
    .option('--pid <n>', 'with --config: the server process (default: from MI ps)', int(1, 0x7fffffff))
    .option('--port-base <n>', 'own server on ports n (SIP udp+tcp), n+1 (MSRP), n+2 (HEP udp+tcp), n+3 (MI) instead of free ones', int(1, 65532))
    .option('--batches <n>', 'at most this many batches per target', int(1, 1_000_000))
    .option('--rss-limit <mb>', 'fail when the server RSS passes this many MB', positive, 300)
    .option('--out <dir>', 'where failures are saved (a <stamp>/ folder each)', RESULTS_DIR)
    .option('--corpus <dir>', 'RFC 4475 corpus folder (index.json + *.dat)', DEFAULT_CORPUS)
    .option('--replay [dir]', 'replay a saved failure: that folder, or the newest saved with --seed')
    .option('--summary-json <file>', 'also write the summary as JSON')
    .option('--quiet', 'no line per batch', false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

export function parseArgs(argv: string[]): FuzzOptions {
  const p = buildProgram();
  p.parse(argv, { from: 'user' });
  const o = p.opts<FuzzOptions>();
  if (o.pid !== undefined && !o.config) throw new InvalidArgumentError('--pid needs --config');
  if (o.portBase !== undefined && o.config) throw new InvalidArgumentError('--port-base is for the server the fuzzer starts, not with --config');
  return o;
}
