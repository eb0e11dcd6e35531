import { generateBatch } from './batches.js';
import { Checker, type Failure } from './checks.js';
import { checkVerdict, type TortureMessage } from './corpus.js';
import { driveBatch, Sockets } from './drive.js';
import type { ServerProcess } from './server.js';
import { INTERESTING_STATS, Summary } from './summary.js';
import type { Endpoints, FuzzInput, GenEnv, Target } from './types.js';

export interface CampaignOptions {
  seed: number;
  targets: Target[];
  /** stop starting new batches after this many seconds */
  durationS: number;
  /** or after this many batches per target */
  maxBatches?: number;
  /** replay: exactly these (target, batch) pairs, in order */
  only?: { target: Target; batch: number }[];
  rssLimitMb: number;
  corpus: readonly TortureMessage[];
  log: (line: string) => void;
}

export interface CampaignResult {
  summary: Summary;
  failure?: Failure & { target: Target; batch: number; inputs: FuzzInput[] };
}

/** Which targets a server offers. */
export function available(e: Endpoints, t: Target): boolean {
  if (t === 'sip-udp' || t === 'sip-tcp') return e.sip !== undefined;
  if (t === 'msrp') return e.msrp !== undefined;
  if (t === 'hep-udp') return e.hep !== undefined;
  return e.hepTcp !== undefined;
}

/** The schedule: round robin over the targets, batch 0, 1, 2 ... of each. */
function* schedule(o: CampaignOptions, deadline: number): Generator<{ target: Target; batch: number }> {
  if (o.only) return yield* o.only;
  for (let batch = 0; o.maxBatches === undefined || batch < o.maxBatches; batch++) {
    for (const target of o.targets) {
      if (Date.now() >= deadline) return;
      yield { target, batch };
    }
  }
}

/**
 * Run batches against a running server until the time or batch budget is spent or something
 * fails; after every batch the Checker decides whether the server is still well.
 */
export async function runCampaign(server: ServerProcess, e: Endpoints, o: CampaignOptions): Promise<CampaignResult> {
  const summary = new Summary();
  const sockets = await Sockets.open(summary);
  const env: GenEnv = { server: e, sipUdpPort: sockets.sipPort, sinkPort: sockets.sinkPort };
  const checker = new Checker(server, e, o.targets, summary, o.rssLimitMb);
  const before = await checker.start();
  const deadline = Date.now() + o.durationS * 1000;
  const byFile = new Map(o.corpus.map((t) => [t.file, t]));
  try {
    for (const { target, batch } of schedule(o, deadline)) {
      const inputs = generateBatch(target, o.seed, batch, o.corpus, env);
      const r = await driveBatch(sockets, target, inputs, e, summary);
      let failure = await checker.check();
      if (!failure && r.oracle) {
        const wrong: string[] = [];
        for (const [file, codes] of r.oracle) {
          summary.oracleChecked++;
          const why = checkVerdict(byFile.get(file)!, codes);
          if (why) wrong.push(`${file}: ${why}`);
        }
        if (wrong.length > 0) failure = { kind: 'wrong-answer', detail: wrong.join('; ') };
      }
      const bad = sockets.takeProblems();
      if (!failure && bad.length > 0) failure = { kind: 'bad-answer', detail: `${bad.length} malformed answer(s); first: ${bad[0]}` };
      const secs = ((Date.now() - summary.started) / 1000).toFixed(0);
      o.log(`[${secs}s] ${target} #${batch}: ${inputs.length} inputs, RSS max ${summary.maxRssMb.toFixed(0)} MB${failure ? ` -> ${failure.kind.toUpperCase()}: ${failure.detail}` : ''}`);
      if (failure) return { summary, failure: { ...failure, target, batch, inputs } };
    }
    return { summary };
  } finally {
    sockets.close();
    await collectDeltas(checker, before, server, summary);
  }
}

async function collectDeltas(checker: Checker, before: Map<string, number>, server: ServerProcess, summary: Summary): Promise<void> {
  if (!server.exited()) {
    try {
      const after = await checker.stats();
      for (const [k, v] of after) if (INTERESTING_STATS.test(k)) summary.statDeltas[k] = k === 'tcp:connections' ? v : v - (before.get(k) ?? 0);
    } catch {
      // MI gone: the failure says why
    }
  }
  summary.closeReasons = Object.fromEntries(server.logs.closeReasons);
}
