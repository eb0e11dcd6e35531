import { performance } from 'node:perf_hooks';
import { TsipsServer } from './server.js';
import { silentLogger, type Logger } from './log.js';
import type { Destination, Listener, ReceiveInfo } from './net/types.js';
import { defineModule, type ModuleDefinition } from './module/define.js';

export interface SentMessage {
  buf: Buffer;
  /** the bytes as latin1 text, for assertions */
  text: string;
  dst: Destination;
}

export interface TestServer {
  server: TsipsServer;
  /** every message handed to a transport, in order */
  sent: SentMessage[];
  /** the first listener of each proto, bound (port 0 in the config gets a real port) */
  listener(proto: string): Listener;
  /** feed raw bytes to the SIP core as if they came from `from` (default udp 127.0.0.1:5999) */
  inject(raw: string | Buffer, from?: Partial<ReceiveInfo>): void;
  /** resolve with the first sent message (from index `since`) matching `pred` */
  waitForSent(pred: (m: SentMessage) => boolean, opts?: { timeoutMs?: number; since?: number }): Promise<SentMessage>;
  /** call an MI command directly (no HTTP) and return its JSON-RPC result or throw its error */
  mi(method: string, params?: unknown[] | Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * An in-process server for module and unit tests: the config text is loaded and started as
 * by the CLI (use `socket=udp:127.0.0.1:0` for an OS-assigned port), and every message sent is
 * recorded. `inject()` drives the receive path with no client socket.
 */
export async function createTestServer(
  config: string,
  opts: { logger?: Logger; name?: string; modules?: readonly ModuleDefinition[] } = {},
): Promise<TestServer> {
  const server = await TsipsServer.load({ configText: config, configName: opts.name ?? 'test.cfg', logger: opts.logger ?? silentLogger(), modules: opts.modules });
  const sent: SentMessage[] = [];
  server.hooks.sent.tap('createTestServer', (buf, dst) => {
    sent.push({ buf, text: buf.toString('latin1'), dst: { ...dst } });
  });
  await server.start();
  const listener = (proto: string): Listener => {
    const l = server.config.listeners.find((x) => x.proto === proto);
    if (!l) throw new Error(`test config has no ${proto} socket`);
    return l;
  };
  let nextId = 1;
  return {
    server,
    sent,
    listener,
    inject(raw, from = {}) {
      const proto = from.proto ?? 'udp';
      const l = from.listener ?? server.config.listeners.find((x) => x.proto === proto) ?? null;
      const rcv: ReceiveInfo = {
        proto,
        srcIp: '127.0.0.1',
        srcPort: 5999,
        dstIp: l?.ip ?? '127.0.0.1',
        dstPort: l?.port ?? 5060,
        conId: 0,
        listener: l,
        time: performance.now(),
        ...from,
      };
      server.sip.receive(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, rcv);
    },
    waitForSent(pred, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 2000);
      let from = o.since ?? 0;
      return new Promise((resolve, reject) => {
        const poll = () => {
          for (; from < sent.length; from++) if (pred(sent[from]!)) return resolve(sent[from]!);
          if (Date.now() > deadline) return reject(new Error(`no matching message sent within ${o.timeoutMs ?? 2000} ms (sent ${sent.length})`));
          setTimeout(poll, 5);
        };
        poll();
      });
    },
    async mi(method, params) {
      const res = (await server.mi.dispatch({ jsonrpc: '2.0', method, params, id: nextId++ })) as
        | { result?: unknown; error?: { code: number; message: string; data?: string } }
        | undefined;
      if (res?.error) throw Object.assign(new Error(`${res.error.code}: ${res.error.message}${res.error.data ? ` (${res.error.data})` : ''}`), { rpc: res.error });
      return res?.result;
    },
    stop: () => server.stop(),
  };
}

/** A SIP request for tests, with sensible defaults; `extra` is raw header lines ('A: b\r\n'). */
export function sipRequest(
  o: { method?: string; ruri?: string; via?: string; from?: string; to?: string; callId?: string; cseq?: number; extra?: string; body?: string } = {},
): string {
  const method = o.method ?? 'OPTIONS';
  const body = o.body ?? '';
  return (
    `${method} ${o.ruri ?? 'sip:bob@127.0.0.1'} SIP/2.0\r\n` +
    `Via: ${o.via ?? 'SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-t1'}\r\n` +
    `From: ${o.from ?? '<sip:alice@127.0.0.1>;tag=a1'}\r\n` +
    `To: ${o.to ?? '<sip:bob@127.0.0.1>'}\r\n` +
    `Call-ID: ${o.callId ?? 'test-call-1'}\r\n` +
    `CSeq: ${o.cseq ?? 1} ${method}\r\n` +
    (o.extra ?? '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** The first line of a sent message ('SIP/2.0 200 OK' or 'INVITE sip:... SIP/2.0'). */
export const firstLine = (m: SentMessage): string => m.text.slice(0, m.text.indexOf('\r\n'));

/** Poll `cond` every few ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A module with `rec("text")` that records what the script passes it (for route tests). */
export function recorder(): { module: ModuleDefinition; seen: string[] } {
  const seen: string[] = [];
  const module = defineModule({
    name: 'rec',
    cmds: { rec: { args: [{ kind: 'str' }], run: (_ctx, _st, text: string) => (seen.push(text), 1) } },
  });
  return { module, seen };
}
