import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { join } from 'node:path';
import { REPO } from './tsips.js';
import { mi, sleep } from './mi.js';

export { mi, sleep };

/** Helpers of the tm-*.test.ts end-to-end tests. */

export const SCENARIOS = join(REPO, 'test/e2e/scenarios');
export const scenario = (name: string) => ({ file: join(SCENARIOS, name) });

export async function tmStats(port: number): Promise<Record<string, number>> {
  return (await mi(port, 'get_statistics', [['tm:']])) as Record<string, number>;
}

/** Poll until every transaction is freed (or the deadline passes); returns the last count. */
export async function waitNoTransactions(port: number, timeoutMs = 8000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let n = -1;
  while (Date.now() < end) {
    n = (await tmStats(port))['tm:inuse_transactions'] ?? -1;
    if (n === 0) return 0;
    await sleep(200);
  }
  return n;
}


/** A bare UDP SIP peer on a fixed loopback port: records what it gets (with arrival times). */
export class UdpPeer {
  readonly got: { text: string; at: number }[] = [];
  private constructor(readonly sock: UdpSocket, readonly port: number) {
    sock.on('message', (m) => {
      this.got.push({ text: m.toString('latin1'), at: Date.now() });
      this.onMessage?.(m.toString('latin1'));
    });
  }
  onMessage: ((text: string) => void) | undefined;

  static async open(port: number): Promise<UdpPeer> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(port, '127.0.0.1', () => r()));
    return new UdpPeer(s, port);
  }

  send(text: string, port: number): void {
    this.sock.send(Buffer.from(text, 'latin1'), port, '127.0.0.1');
  }

  starting(prefix: string): { text: string; at: number }[] {
    return this.got.filter((g) => g.text.startsWith(prefix));
  }

  close(): Promise<void> {
    return new Promise((r) => this.sock.close(() => r()));
  }
}

/** A reply built from a request's text (Via, From, To + tag, Call-ID, CSeq copied). */
export function replyTo(req: string, code: number, reason: string, toTag = 'uas1'): string {
  const lines = req.split('\r\n');
  const keep = lines.filter((l) => /^(via|from|call-id|cseq):/i.test(l));
  const to = lines.find((l) => /^to:/i.test(l))!;
  return `SIP/2.0 ${code} ${reason}\r\n${keep.filter((l) => /^via/i.test(l)).join('\r\n')}\r\n${keep.filter((l) => /^from/i.test(l)).join('')}\r\n${to}${/;tag=/.test(to) ? '' : `;tag=${toTag}`}\r\n${keep.filter((l) => /^(call-id|cseq)/i.test(l)).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
}
