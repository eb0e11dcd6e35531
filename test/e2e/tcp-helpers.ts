import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { miReply, sleep, type MiReply } from './lib/mi.js';

export { sleep };

/** Helpers of the tcp-*.test.ts end-to-end tests: a SIP-over-TCP client, MI over HTTP. */

let seq = 0;
/** A request with every mandatory header; `extra` adds header lines, `body` a body. */
export function request(o: { method?: string; ruri?: string; cseq?: number; extra?: string; body?: string; contentLength?: string | null } = {}): string {
  const n = ++seq;
  const method = o.method ?? 'OPTIONS';
  const body = o.body ?? '';
  const cl = o.contentLength === null ? '' : `Content-Length: ${o.contentLength ?? Buffer.byteLength(body)}\r\n`;
  return (
    `${method} ${o.ruri ?? 'sip:tsips@127.0.0.1'} SIP/2.0\r\n` +
    `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-e2e-${n}\r\n` +
    `From: <sip:e2e@127.0.0.1>;tag=f${n}\r\n` +
    `To: <sip:tsips@127.0.0.1>\r\n` +
    `Call-ID: e2e-${n}-${process.pid}@127.0.0.1\r\n` +
    `CSeq: ${o.cseq ?? n} ${method}\r\n` +
    `Max-Forwards: 70\r\n` +
    (o.extra ?? '') +
    cl +
    `\r\n${body}`
  );
}

/**
 * A TCP client that splits what it receives into SIP messages (Content-Length framing) and
 * CRLF pongs, so a test can await them one by one.
 */
export class SipTcpClient {
  readonly messages: string[] = [];
  pongs = 0;
  closed = false;
  private buf = '';
  private readonly closedP: Promise<void>;

  private constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    sock.on('error', () => undefined);
    this.closedP = new Promise((r) =>
      sock.once('close', () => {
        this.closed = true;
        r();
      }),
    );
  }

  static connect(host: string, port: number, localAddress?: string, localPort?: number): Promise<SipTcpClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, localAddress, localPort });
      s.once('connect', () => resolve(new SipTcpClient(s)));
      s.once('error', reject);
    });
  }

  write(text: string): void {
    this.sock.write(text, 'latin1');
  }

  /** wait for the `n`-th message (1-based) received on this connection */
  async message(n: number, ms = 3000): Promise<string> {
    await until(() => this.messages.length >= n || this.closed, `SIP message #${n}`, ms);
    if (this.messages.length < n) throw new Error(`connection closed after ${this.messages.length} messages, waiting for #${n}`);
    return this.messages[n - 1]!;
  }

  /** send a request and wait for the next message (its reply) */
  async ask(text: string, ms = 3000): Promise<string> {
    const n = this.messages.length + 1;
    this.write(text);
    return this.message(n, ms);
  }

  whenClosed(ms = 5000): Promise<void> {
    return Promise.race([this.closedP, sleep(ms).then(() => Promise.reject(new Error('connection not closed in time')))]);
  }

  destroy(): void {
    this.sock.destroy();
  }

  private onData(text: string): void {
    this.buf += text;
    for (;;) {
      if (this.buf.startsWith('\r\n')) {
        this.pongs++;
        this.buf = this.buf.slice(2);
        continue;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(this.buf.slice(0, end + 2));
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (this.buf.length < total) return;
      this.messages.push(this.buf.slice(0, total));
      this.buf = this.buf.slice(total);
    }
  }
}

export const statusOf = (msg: string): string => msg.slice(0, msg.indexOf('\r\n'));
export const headerOf = (msg: string, name: string): string | undefined =>
  new RegExp(`\\r\\n${name}[ \\t]*:[ \\t]*([^\\r\\n]*)`, 'i').exec(msg)?.[1];


export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** One JSON-RPC call to mi_http; returns the whole response object. */
export const mi = miReply;
export type { MiReply };

/** list_tcp_conns over MI: the connection whose remote end is ip:port */
export async function miConn(miPort: number, remote: string): Promise<{ ID: number; Lifetime: string; Local: string } | undefined> {
  const r = (await mi(miPort, 'list_tcp_conns')).result as { Connections: { ID: number; Lifetime: string; Local: string; Remote: string }[] };
  return r.Connections.find((c) => c.Remote === remote);
}

/** "YYYY-MM-DD HH:MM:SS" local time -> ms */
export const localTimeMs = (s: string): number => new Date(s.replace(' ', 'T')).getTime();

/**
 * The keepalive timer of the established socket `local` -> `peer` ("ip:port", IPv6 as
 * "[::1]:port") as `ss -o` shows it, in seconds; null when keepalive is off on that socket.
 * Right after traffic it is about the socket's TCP_KEEPIDLE.
 */
export function keepaliveTimer(local: string, peer: string): number | null {
  // right after traffic the socket may still show its retransmission timer ("on") until the
  // peer's ACK arrives; the keepalive timer is re-armed then, so look again for up to 1 s
  for (let attempt = 0; ; attempt++) {
    const out = execFileSync('ss', ['-tnoH', 'state', 'established'], { encoding: 'utf8', timeout: 5000 });
    const line = out.split('\n').find((l) => {
      const cols = l.trim().split(/\s+/);
      return cols[2] === local && cols[3] === peer;
    });
    if (!line) throw new Error(`ss shows no established socket ${local} -> ${peer}`);
    const m = /timer:\(keepalive,(?:(\d+)h)?(?:(\d+)min)?(?:(\d+)sec)?(?:(\d+)ms)?/.exec(line);
    if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 1000;
    if (attempt === 20) return null;
    Atomics.wait(SLEEPER, 0, 0, 50);
  }
}

/** for a short synchronous pause between `ss` looks */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
