import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerProblem } from '../src/answers.js';
import { runStream } from '../src/stream-client.js';

const FAST = { quietMs: 40, maxWaitMs: 400, holdMs: 1500 };

/** A loopback server whose per-connection behaviour the test sets; records what it read. */
async function server(onConn: (c: Socket, got: Buffer[]) => void): Promise<{ srv: Server; port: number; reads: Buffer[][]; ends: string[] }> {
  const reads: Buffer[][] = [];
  const ends: string[] = [];
  const srv = createServer((c) => {
    const got: Buffer[] = [];
    reads.push(got);
    c.on('data', (d) => got.push(d));
    c.on('end', () => ends.push('fin'));
    c.on('error', (e: NodeJS.ErrnoException) => ends.push(e.code ?? 'error'));
    onConn(c, got);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { srv, port: (srv.address() as { port: number }).port, reads, ends };
}

let open: Server | undefined;
afterEach(() => open?.close());

describe('stream client', () => {
  it('writes the data in the planned pieces and collects the answer', async () => {
    const s = await server((c) => c.on('data', () => c.write('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n')));
    open = s.srv;
    const data = Buffer.from('0123456789abcdef');
    const o = await runStream('127.0.0.1', s.port, data, { splits: [4, 9], gapMs: 30, end: 'close' }, FAST);
    expect(Buffer.concat(s.reads[0]!).toString()).toBe('0123456789abcdef');
    expect(s.reads[0]!.length).toBe(3);
    expect(o.received.toString()).toMatch(/^SIP\/2\.0 200 OK/);
    expect(o.closedByServer).toBeNull();
  });

  it('reset: the server sees a reset before the end of the data', async () => {
    const s = await server(() => undefined);
    open = s.srv;
    const o = await runStream('127.0.0.1', s.port, Buffer.alloc(1000, 0x41), { splits: [100], gapMs: 10, end: 'reset', resetAt: 300 }, FAST);
    await new Promise((r) => setTimeout(r, 100));
    expect(o.connectError).toBeUndefined();
    expect(Buffer.concat(s.reads[0]!).length).toBe(300);
    expect(s.ends).toContain('ECONNRESET');
  });

  it('hold: measures how long the server took to give up on the partial message', async () => {
    const s = await server((c) => setTimeout(() => c.end(), 200));
    open = s.srv;
    const o = await runStream('127.0.0.1', s.port, Buffer.from('INVITE sip:a SIP/2.0\r\n'), { splits: [], gapMs: 0, end: 'hold' }, FAST);
    expect(o.closedByServer).toBe('fin');
    expect(o.heldMs).toBeGreaterThanOrEqual(100);
    expect(o.heldMs).toBeLessThan(1000);
  });

  it('reports a connection the server refuses', async () => {
    const s = await server(() => undefined);
    const port = s.port;
    await new Promise<void>((r) => s.srv.close(() => r()));
    const o = await runStream('127.0.0.1', port, Buffer.from('x'), { splits: [], gapMs: 0, end: 'close' }, FAST);
    expect(o.connectError).toBe('ECONNREFUSED');
  });
});

describe('answer well-formedness', () => {
  it('accepts pipelined replies with bodies', () => {
    const two = Buffer.from('SIP/2.0 100 Trying\r\nVia: x\r\nContent-Length: 0\r\n\r\nSIP/2.0 486 Busy\r\nl: 3\r\n\r\nabc');
    expect(answerProblem(two)).toBeUndefined();
    expect(answerProblem(Buffer.from('\r\n\r\nSIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n\r\n'))).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(answerProblem(Buffer.from('SIP/2.0 99 X\r\nContent-Length: 0\r\n\r\n'))).toMatch(/bad first line/);
    expect(answerProblem(Buffer.from('SIP/2.0 400 Bad\r\nContent-Length: 0\r\n'))).toMatch(/no end of headers/);
    expect(answerProblem(Buffer.from('SIP/2.0 400 Bad\r\nVia: x\r\n\r\n'))).toBe('no Content-Length');
    expect(answerProblem(Buffer.from('SIP/2.0 400 Bad\r\nContent-Length: 5\r\n\r\nab'))).toMatch(/body shorter/);
    expect(answerProblem(Buffer.from('SIP/2.0 400 Bad\x01Reason\r\nContent-Length: 0\r\n\r\n'))).toMatch(/bad first line/);
    expect(answerProblem(Buffer.from('SIP/2.0 400 Bad\r\nno colon here\r\nContent-Length: 0\r\n\r\n'))).toMatch(/not a header line/);
  });
});
