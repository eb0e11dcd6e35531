import { silentLogger, Stat } from '@tsips/core';
import { TextMemo, type MsrpApi, type MsrpForwardOptions, type MsrpHandle, type MsrpHandler, type MsrpMessage, type MsrpTransaction } from '@tsips/proto_msrp';
import { NonceCodec } from '../src/digest.js';
import { SessionTable } from '../src/sessions.js';
import type { PasswordLookup, RelayConfig, RelayState } from '../src/state.js';
import { parseMsrpUri } from '../src/uri.js';

/** What the relay asked proto_msrp to do, in order. */
export type ApiCall =
  | { fn: 'reply'; code: number; reason: string; headers: readonly string[]; req: MsrpMessage }
  | { fn: 'replyOnTx'; code: number; reason: string; tx: MsrpTransaction }
  | { fn: 'report'; status: string; req: MsrpMessage | null; tx: MsrpTransaction | null }
  | { fn: 'forward'; req: MsrpMessage; opts: MsrpForwardOptions | undefined }
  | { fn: 'forwardReply'; reply: MsrpMessage; tx: MsrpTransaction };

/** A recording MsrpApi; `forwardResult` decides what forwardRequest returns (per call). */
export class FakeMsrpApi implements MsrpApi {
  calls: ApiCall[] = [];
  handler: MsrpHandler | undefined;
  forwardResult: (opts: MsrpForwardOptions | undefined) => 0 | -1 | -2 | -3 = () => 0;

  registerHandler(_f: unknown, h: MsrpHandler): MsrpHandle {
    this.handler = h;
    return { id: 1 };
  }
  sendReply(_h: MsrpHandle, req: MsrpMessage, code: number, reason: string, headers: readonly string[] = []): boolean {
    this.calls.push({ fn: 'reply', code, reason, headers, req });
    return req.method !== 'REPORT';
  }
  sendReplyOnTransaction(_h: MsrpHandle, tx: MsrpTransaction, code: number, reason: string): boolean {
    this.calls.push({ fn: 'replyOnTx', code, reason, tx });
    return true;
  }
  sendReport(_h: MsrpHandle, status: string, req: MsrpMessage | null, tx: MsrpTransaction | null): boolean {
    this.calls.push({ fn: 'report', status, req, tx });
    return true;
  }
  forwardRequest(_h: MsrpHandle, req: MsrpMessage, opts?: MsrpForwardOptions): 0 | -1 | -2 | -3 {
    this.calls.push({ fn: 'forward', req, opts });
    return this.forwardResult(opts);
  }
  forwardReply(_h: MsrpHandle, reply: MsrpMessage, tx: MsrpTransaction): boolean {
    this.calls.push({ fn: 'forwardReply', reply, tx });
    return true;
  }
  sendRequest(): 0 | -1 | -2 | -3 {
    throw new Error('the relay never originates requests');
  }
  /** the calls of one kind */
  of<F extends ApiCall['fn']>(fn: F): Extract<ApiCall, { fn: F }>[] {
    return this.calls.filter((c): c is Extract<ApiCall, { fn: F }> => c.fn === fn);
  }
}

export const RELAY = 'msrp://127.0.0.1:2855;tcp';
export const CLIENT_A = 'msrp://10.0.0.1:40001/a1;tcp';
export const CLIENT_B = 'msrp://10.0.0.2:40002/b1;tcp';

interface MsgOpts {
  method?: string;
  status?: number;
  toPath: string[];
  fromPath: string[];
  headers?: Record<string, string>;
  conId?: number;
  dstPort?: number;
  body?: string;
  continuation?: '$' | '+' | '#';
}

let txSeq = 0;

/** An MsrpMessage as proto_msrp would hand it over (no wire bytes needed by the relay). */
export function msg(o: MsgOpts): MsrpMessage {
  const headers = new Map(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    kind: o.status === undefined ? 'request' : 'response',
    buf: Buffer.alloc(0),
    transactionId: `t${++txSeq}abcd`,
    method: o.method ?? '',
    status: o.status ?? 0,
    comment: '',
    toPath: o.toPath,
    fromPath: o.fromPath,
    header: (n) => headers.get(n.toLowerCase()),
    messageId: headers.get('message-id'),
    continuation: o.continuation ?? '$',
    body: o.body === undefined ? undefined : Buffer.from(o.body),
    rcv: { proto: 'msrp', srcIp: '10.0.0.9', srcPort: 5555, dstIp: '127.0.0.1', dstPort: o.dstPort ?? 2855, conId: o.conId ?? 1, listener: null, time: 0 },
  };
}

export function tx(o: Partial<MsrpTransaction> & { method: string }): MsrpTransaction {
  return { id: 'tx1', prevId: 'prev1', prevConId: 1, fromPath: [CLIENT_A], toTop: RELAY, messageId: 'm1', byteRange: '1-3/3', failureReport: undefined, param: undefined, ...o };
}

export interface Harness {
  api: FakeMsrpApi;
  st: RelayState;
  /** move the relay's clock */
  advance(ms: number): void;
}

/** A relay state on the fake API with a movable clock; `lookup` null = open relay. */
export function harness(o: { lookup?: PasswordLookup | null; cfg?: Partial<RelayConfig> } = {}): Harness {
  let now = 1_700_000_000_000;
  const nowMs = () => now;
  const api = new FakeMsrpApi();
  const st: RelayState = {
    api,
    hdl: { id: 1 },
    cfg: { myUris: [parseMsrpUri(RELAY)!], realm: undefined, expires: 1800, minExpires: 60, maxExpires: 3600, calculateHa1: true, ...o.cfg },
    sessions: new SessionTable(nowMs),
    uris: new TextMemo(parseMsrpUri),
    nonces: new NonceCodec(30, nowMs),
    lookup: o.lookup === undefined ? (u) => (u === 'alice' ? 'secret' : null) : o.lookup,
    stats: {
      authOk: new Stat('msrp_relay', 'auth_ok'),
      authFailed: new Stat('msrp_relay', 'auth_failed'),
      forwarded: new Stat('msrp_relay', 'forwarded'),
      reportsSent: new Stat('msrp_relay', 'reports_sent'),
    },
    log: silentLogger(),
  };
  return { api, st, advance: (ms) => void (now += ms) };
}
