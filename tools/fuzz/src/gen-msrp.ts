import { streamPlan } from './gen-sip.js';
import { BYTE_MUTATIONS } from './mutate-bytes.js';
import type { Rng } from './rng.js';
import { loopbackOnly } from './safety.js';
import type { FuzzInput, GenEnv } from './types.js';

/** The parts of one MSRP frame, mutated before it is written out. */
export interface MsrpFrame {
  tid: string;
  first: string;
  headers: string[];
  /** undefined: no body (and no blank line) */
  body?: string;
  endTid: string;
  dashes: number;
  flag: string;
  endEol: string;
}

export function renderFrame(f: MsrpFrame): Buffer {
  const head = [f.first, ...f.headers].join('\r\n');
  const body = f.body === undefined ? '\r\n' : `\r\n\r\n${f.body}\r\n`;
  return Buffer.from(`${head}${body}${'-'.repeat(f.dashes)}${f.endTid}${f.flag}${f.endEol}`, 'latin1');
}

/** A well-formed SEND, REPORT, AUTH, other-method request or response to the relay. */
export function validFrame(rng: Rng, env: GenEnv): MsrpFrame {
  const relay = env.server.msrpUri ?? `msrp://${env.server.host}:${env.server.msrp};tcp`;
  const me = `msrp://127.0.0.1:${env.sinkPort}/${rng.token(10)};tcp`;
  const tid = rng.token(rng.int(4, 32));
  const kind = rng.weighted([40, 15, 25, 5, 15]);
  const session = relay.replace(';tcp', `/${rng.token(8)};tcp`);
  const headers: string[] = [];
  let first: string;
  let body: string | undefined;
  if (kind === 4) {
    first = `MSRP ${tid} ${rng.pick(['200 OK', '400 Bad', '403', '481 No session', '200'])}`;
    headers.push(`To-Path: ${me}`, `From-Path: ${session}`);
  } else {
    const method = (['SEND', 'REPORT', 'AUTH', rng.pick(['NICKNAME', 'BOGUS', 'send'])] as const)[kind]!;
    first = `MSRP ${tid} ${method}`;
    const to = method === 'AUTH' ? (rng.chance(0.8) ? relay : `${relay} msrp://127.0.0.1:${env.sinkPort}/next;tcp`) : session;
    headers.push(`To-Path: ${to}`, `From-Path: ${me}`);
    if (method !== 'AUTH') headers.push(`Message-ID: ${rng.token(12)}`);
    if (method === 'AUTH' && rng.chance(0.3)) headers.push(`Expires: ${rng.pick(['0', '30', '600', '99999999999', 'x'])}`);
    if (method === 'AUTH' && rng.chance(0.3)) headers.push(`Authorization: Digest username="fuzz", realm="x", nonce="${rng.token(20)}", uri="${relay}", response="${rng.token(32)}", qop=auth, nc=00000001, cnonce="c"`);
    if (method === 'SEND' || (method !== 'AUTH' && method !== 'REPORT' && rng.chance(0.5))) {
      body = rng.pick(['hello', 'x'.repeat(rng.logSize(1, 20000)), 'line\r\n------- not an end line\r\n']);
      headers.push(`Byte-Range: 1-${body.length}/${body.length}`, 'Content-Type: text/plain');
      if (rng.chance(0.3)) headers.push(`Success-Report: ${rng.pick(['yes', 'no'])}`, `Failure-Report: ${rng.pick(['yes', 'no', 'partial'])}`);
    }
    if (method === 'REPORT') headers.push(`Byte-Range: 1-5/5`, `Status: 000 ${rng.pick(['200 OK', '413', '999'])}`);
  }
  return { tid, first, headers, body, endTid: tid, dashes: 7, flag: rng.pick(['$', '$', '$', '+', '#']), endEol: '\r\n' };
}

type FrameMutation = (rng: Rng, f: MsrpFrame) => void;

const FRAME_MUTATIONS: Record<string, FrameMutation> = {
  badEndLine: (rng, f) => {
    const w = rng.int(0, 4);
    if (w === 0) f.dashes = rng.pick([0, 1, 6, 8, 50]);
    else if (w === 1) f.flag = rng.pick(['', '?', '$$', '-', '\0']);
    else if (w === 2) f.endEol = rng.pick(['', '\n', '\r', ' \r\n', '\r\r\n']);
    else if (w === 3) f.endTid = rng.pick([f.endTid.slice(1), `${f.endTid}x`, f.endTid.toUpperCase(), '']);
    else f.endTid = `${f.endTid}$\r\n`.repeat(rng.int(1, 3));
  },
  wrongTid: (rng, f) => {
    const bad = rng.pick(['abc', 'a'.repeat(33), 'a'.repeat(rng.logSize(33, 5000)), '-abc', 'ab cd', 'ab\0cd', '', 'abc$', 'ü12345']);
    f.first = f.first.replace(` ${f.tid} `, ` ${bad} `);
    if (rng.chance(0.5)) f.endTid = bad;
  },
  hugeHeader: (rng, f) => {
    const big = rng.pick(['a', ' ', ':', 'msrp://', '\t']).repeat(rng.logSize(512, 70_000));
    if (rng.chance(0.5)) f.headers.push(`X-Huge: ${big}`);
    else f.headers[rng.int(0, f.headers.length - 1)] += big;
  },
  missingPath: (rng, f) => {
    const which = rng.pick(['to-path', 'from-path', 'message-id', 'content-type']);
    f.headers = f.headers.filter((h) => !h.toLowerCase().startsWith(which));
  },
  duplicateHeader: (rng, f) => {
    const h = rng.pick(f.headers);
    for (let n = rng.logSize(1, 300); n > 0; n--) f.headers.push(h);
  },
  reorderPaths: (rng, f) => {
    f.headers.reverse();
    if (rng.chance(0.3)) f.headers.unshift('');
  },
  badFirstLine: (rng, f) => {
    f.first = rng.pick([`msrp ${f.tid} SEND`, `MSRP  ${f.tid} SEND`, `MSRP ${f.tid}`, `MSRP ${f.tid} `, `MSRP ${f.tid} 99999 X`, `MSRP ${f.tid} 2OO OK`, `MSRPX ${f.tid} SEND`, `HTTP/1.1 200 OK`, `MSRP ${f.tid} ${'A'.repeat(rng.logSize(1, 3000))}`]);
  },
  badHeaders: (rng, f) => {
    f.headers.push(rng.pick(['NoColon', ': novalue', 'Byte-Range: x-y/z', 'Byte-Range: 5-1/3', 'Byte-Range: 1-*/*', 'Byte-Range: 99999999999999999999-1/2', 'Status: 000', 'Status: abc 200', 'Expires: -1', 'Content-Type:', 'To-Path:', 'To-Path: msrp://', 'To-Path: msrp://[::1;tcp', 'Use-Path: a b c']));
  },
  endLineInBody: (rng, f) => {
    f.body = `${f.body ?? 'x'}\r\n-------${rng.pick([f.tid, `${f.tid}x`, f.tid.slice(1)])}${rng.pick(['', '?', '$', '$\r\n'])}more`;
    if (!f.headers.some((h) => h.startsWith('Content-Type'))) f.headers.push('Content-Type: text/plain');
  },
};
const FRAME_NAMES = Object.keys(FRAME_MUTATIONS);
const BYTE_NAMES = Object.keys(BYTE_MUTATIONS);

/** One frame, mutated with probability 0.8 (frame-aware mostly, byte-level sometimes). */
export function msrpFrame(rng: Rng, env: GenEnv): { kind: string; data: Buffer } {
  const f = validFrame(rng, env);
  const kind = f.first.split(' ')[2] ?? '?';
  if (!rng.chance(0.8)) return { kind: `valid:${kind}`, data: renderFrame(f) };
  const names: string[] = [];
  for (let n = rng.int(1, 2); n > 0; n--) {
    const name = rng.pick(FRAME_NAMES);
    FRAME_MUTATIONS[name]!(rng, f);
    names.push(name);
  }
  let data = renderFrame(f);
  if (rng.chance(0.3)) {
    const name = rng.pick(BYTE_NAMES);
    data = BYTE_MUTATIONS[name]!(rng, data);
    names.push(name);
  }
  return { kind: `${kind}+${names.join('+')}`, data };
}

/**
 * A connection's worth of MSRP: 1..4 frames, sometimes with random bytes after a valid one,
 * written by a stream plan; slow-loris (long gaps, or a partial frame held) now and then.
 * Inputs that could make the relay connect anywhere but loopback are regenerated.
 */
export function msrpBatch(rng: Rng, env: GenEnv, size: number): FuzzInput[] {
  let held = false;
  const out: FuzzInput[] = [];
  while (out.length < size) {
    const kinds: string[] = [];
    const parts: Buffer[] = [];
    for (let n = rng.weighted([55, 25, 12, 8]) + 1; n > 0; n--) {
      const f = msrpFrame(rng, env);
      kinds.push(f.kind);
      parts.push(f.data);
    }
    if (rng.chance(0.15)) {
      parts.push(rng.bytes(rng.logSize(1, 4096)));
      kinds.push('trailing-garbage');
    }
    let data = Buffer.concat(parts);
    const plan = streamPlan(rng, data.length, !held);
    if (plan.end === 'hold') {
      held = true;
      data = data.subarray(0, Math.max(8, data.length - rng.int(1, 40)));
    } else if (!held && rng.chance(0.05)) {
      held = true; // slow-loris: a frame in dribbles, far apart
      plan.splits = Array.from({ length: 4 }, (_, i) => Math.floor(((i + 1) * data.length) / 5)).filter((s) => s > 0 && s < data.length);
      plan.gapMs = rng.int(300, 700);
      kinds.push('slow-loris');
    }
    if (!loopbackOnly(data, [env.sinkPort, env.server.msrp ?? 0])) continue;
    out.push({ target: 'msrp', kind: kinds.join(' | '), data, plan });
  }
  return out;
}
