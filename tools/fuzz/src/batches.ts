import type { TortureMessage } from './corpus.js';
import { hepTcpBatch, hepUdpBatch } from './gen-hep.js';
import { msrpBatch } from './gen-msrp.js';
import { corpusBatch, sipTcpBatch, sipUdpBatch } from './gen-sip.js';
import { batchSeed, Rng } from './rng.js';
import type { FuzzInput, GenEnv, Target } from './types.js';

/** Inputs per batch: datagrams are cheap, a stream input is a whole connection. */
export const BATCH_SIZE: Record<Target, number> = { 'sip-udp': 60, 'sip-tcp': 24, msrp: 24, 'hep-udp': 60, 'hep-tcp': 24 };

/**
 * Batch `n` of `target` under campaign seed `seed`: a pure function of its arguments (and
 * the corpus), which is what makes `--seed N --replay` send the same bytes again. Batch 0 of
 * sip-udp is the unmutated RFC 4475 corpus, whose answers are checked against the verdicts.
 */
export function generateBatch(target: Target, seed: number, n: number, corpus: readonly TortureMessage[], env: GenEnv, size = BATCH_SIZE[target]): FuzzInput[] {
  const rng = new Rng(batchSeed(seed, target, n));
  switch (target) {
    case 'sip-udp':
      return n === 0 ? corpusBatch(corpus, env) : sipUdpBatch(rng, corpus, env, size);
    case 'sip-tcp':
      return sipTcpBatch(rng, corpus, env, size);
    case 'msrp':
      return msrpBatch(rng, env, size);
    case 'hep-udp':
      return hepUdpBatch(rng, corpus, env, size);
    case 'hep-tcp':
      return hepTcpBatch(rng, corpus, env, size);
  }
}
