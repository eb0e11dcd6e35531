import { redirectVia, type TortureMessage } from './corpus.js';
import { BYTE_MUTATIONS } from './mutate-bytes.js';
import { joinSip, keepRange, SIP_MUTATIONS, splitSip } from './mutate-sip.js';
import type { Rng } from './rng.js';
import { sipReplySafe } from './safety.js';
import { transactionSet, validRequest, validResponse, type SipAddr } from './sip-templates.js';
import type { FuzzInput, GenEnv, StreamPlan } from './types.js';

const SIP_NAMES = Object.keys(SIP_MUTATIONS);
const BYTE_NAMES = Object.keys(BYTE_MUTATIONS);

/** A base message: a torture message (first Via aimed at us), a valid request or a response. */
function base(rng: Rng, corpus: readonly TortureMessage[], a: SipAddr, selfHost: string, selfPort: number): { kind: string; msg: Buffer } {
  const r = rng.next();
  if (r < 0.4 && corpus.length > 0) {
    const t = rng.pick(corpus);
    return { kind: `rfc4475:${t.file}`, msg: redirectVia(t.bytes, selfHost, selfPort) };
  }
  if (r < 0.9) {
    const m = validRequest(rng, a);
    return { kind: `valid:${m.slice(0, m.indexOf(' '))}`, msg: Buffer.from(m, 'utf8') };
  }
  return { kind: 'valid:response', msg: Buffer.from(validResponse(rng, a), 'utf8') };
}

/**
 * 1..3 mutations, SIP-aware or byte-level; byte-level ones never touch the first Via up to its
 * `;rport`, so the server's answer (even a 400) comes back to the fuzzer. `names` collects
 * what was applied.
 */
export function mutateSip(rng: Rng, msg: Buffer, names: string[]): Buffer {
  let out = msg;
  for (let n = rng.int(1, 3); n > 0; n--) {
    if (rng.chance(0.6)) {
      const name = rng.pick(SIP_NAMES);
      const p = splitSip(out);
      SIP_MUTATIONS[name]!(rng, p);
      out = joinSip(p);
      names.push(name);
    } else {
      const name = rng.pick(BYTE_NAMES);
      out = BYTE_MUTATIONS[name]!(rng, out, keepRange(out));
      names.push(name);
    }
  }
  return out;
}

/**
 * One SIP message: a base, mutated with probability 0.85. Over UDP (and in HEP) a message
 * the server would answer anywhere but at its source is drawn again (see safety.ts).
 */
export function sipMessage(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, transport: 'UDP' | 'TCP', selfPort: number): { kind: string; msg: Buffer } {
  const a: SipAddr = { server: `${env.server.host}:${env.server.sip ?? 5060}`, self: `127.0.0.1:${selfPort}`, transport };
  for (;;) {
    const b = base(rng, corpus, a, '127.0.0.1', selfPort);
    const names: string[] = [];
    const msg = rng.chance(0.85) ? mutateSip(rng, b.msg, names) : b.msg;
    if (transport === 'TCP' || sipReplySafe(msg)) return { kind: names.length > 0 ? `${b.kind}+${names.join('+')}` : b.kind, msg };
  }
}

/** The whole corpus as it is (first Via redirected), each answer checked against its verdict. */
export function corpusBatch(corpus: readonly TortureMessage[], env: GenEnv): FuzzInput[] {
  return corpus
    .map((t): FuzzInput => ({ target: 'sip-udp', kind: `rfc4475:${t.file}`, data: redirectVia(t.bytes, '127.0.0.1', env.sipUdpPort), oracle: t.file }))
    .filter((i) => sipReplySafe(i.data));
}

/** The requests of one INVITE transaction (transactionSet), each mutated with probability 0.3. */
export function transactionMessages(rng: Rng, env: GenEnv, transport: 'UDP' | 'TCP'): { kind: string; msg: Buffer }[] {
  const a: SipAddr = { server: `${env.server.host}:${env.server.sip ?? 5060}`, self: `127.0.0.1:${env.sipUdpPort}`, transport };
  return transactionSet(rng, a).map((text) => {
    const kind = `tx:${text.slice(0, text.indexOf(' '))}`;
    const names: string[] = [];
    const msg = rng.chance(0.3) ? mutateSip(rng, Buffer.from(text), names) : Buffer.from(text);
    return transport === 'TCP' || sipReplySafe(msg) ? { kind: names.length ? `${kind}+${names.join('+')}` : kind, msg } : { kind, msg: Buffer.from(text) };
  });
}

export function sipUdpBatch(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, size: number): FuzzInput[] {
  const out: FuzzInput[] = [];
  while (out.length < size) {
    const msgs = rng.chance(0.1) ? transactionMessages(rng, env, 'UDP') : [sipMessage(rng, corpus, env, 'UDP', env.sipUdpPort)];
    for (const m of msgs) out.push({ target: 'sip-udp', kind: m.kind, data: m.msg });
  }
  return out;
}

/**
 * How a stream input is written: split at random points (more writes than tcp_max_msg_chunks
 * is allowed and must only cost that connection), and ended normally, half-closed, reset in
 * the middle, or (`hold`) left partial for the server's read timeout to clean up.
 */
export function streamPlan(rng: Rng, len: number, allowHold: boolean): StreamPlan {
  const splits: number[] = [];
  if (len > 1 && rng.chance(0.6)) {
    for (let n = rng.int(1, 6); n > 0; n--) splits.push(rng.int(1, len - 1));
    splits.sort((x, y) => x - y);
  }
  const gapMs = rng.chance(0.7) ? 0 : rng.int(1, 40);
  const e = rng.weighted([70, 12, 12, allowHold ? 6 : 0]);
  const end = (['close', 'half-close', 'reset', 'hold'] as const)[e]!;
  return end === 'reset' ? { splits: splits.filter((s) => s < len), gapMs, end, resetAt: rng.int(0, len) } : { splits: [...new Set(splits)], gapMs, end };
}

/** A TCP connection's worth: 1..5 messages pipelined in one byte string, then a plan. */
export function sipTcpBatch(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, size: number): FuzzInput[] {
  let held = false;
  return Array.from({ length: size }, () => {
    const kinds: string[] = [];
    const parts: Buffer[] = [];
    const msgs = rng.chance(0.15)
      ? transactionMessages(rng, env, 'TCP')
      : Array.from({ length: rng.weighted([50, 20, 15, 10, 5]) + 1 }, () => sipMessage(rng, corpus, env, 'TCP', env.sipUdpPort));
    for (const m of msgs) {
      kinds.push(m.kind);
      parts.push(m.msg);
    }
    const data = Buffer.concat(parts);
    const plan = streamPlan(rng, data.length, !held);
    if (plan.end === 'hold') {
      held = true;
      // a message that never completes: cut it inside the last message
      const last = parts.at(-1)!;
      return { target: 'sip-tcp', kind: `${kinds.join(' | ')}+hold`, data: data.subarray(0, data.length - Math.max(1, last.length >> 1)), plan: { ...plan, splits: [] } };
    }
    return { target: 'sip-tcp', kind: kinds.join(' | '), data, plan };
  });
}
