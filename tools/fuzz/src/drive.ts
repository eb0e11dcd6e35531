import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { answerProblem } from './answers.js';
import { runStream, type StreamOutcome } from './stream-client.js';
import { statusCodes, type Summary } from './summary.js';
import type { Endpoints, FuzzInput, Target } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The fuzzer's own sockets: the UDP socket SIP inputs are sent from (their Via points at it,
 * so answers come back here), and the sink, a UDP socket and a TCP listener on one port that
 * HEP-captured sources and MSRP next hops name. Whatever reaches them is counted for the
 * target whose batch is running.
 */
export class Sockets {
  current: Target = 'sip-udp';
  /** malformed answers seen since the last takeProblems() */
  problems: string[] = [];
  private constructor(
    readonly sip: UdpSocket,
    readonly sinkUdp: UdpSocket,
    readonly sinkTcp: Server,
    private readonly summary: Summary,
  ) {}

  static async open(summary: Summary): Promise<Sockets> {
    const sip = await bindUdp(0);
    for (let tries = 0; ; tries++) {
      const tcp = await listen();
      const port = (tcp.address() as { port: number }).port;
      try {
        const udp = await bindUdp(port);
        const s = new Sockets(sip, udp, tcp, summary);
        s.listen();
        return s;
      } catch (e) {
        tcp.close();
        if (tries > 20) throw e;
      }
    }
  }

  get sipPort(): number {
    return this.sip.address().port;
  }

  get sinkPort(): number {
    return this.sinkUdp.address().port;
  }

  private listen(): void {
    const count = (m: Buffer): void => {
      const codes = statusCodes(m, 'sip');
      if (codes.length > 0) this.summary.answer(this.current, codes);
    };
    const datagram = (m: Buffer): void => {
      count(m);
      const why = answerProblem(m);
      if (why) this.problems.push(`${this.current} answer datagram: ${why}; answer: ${JSON.stringify(m.toString('latin1').slice(0, 600))}`);
    };
    this.sip.on('message', datagram);
    this.sinkUdp.on('message', datagram);
    this.sinkTcp.on('connection', (c: Socket) => {
      c.on('error', () => undefined);
      c.on('data', (d) => count(d));
      // read what arrives now, then close: the server must cope with a peer that goes away
      setTimeout(() => c.destroy(), 100);
    });
  }

  takeProblems(): string[] {
    const p = this.problems;
    this.problems = [];
    return p;
  }

  close(): void {
    this.sip.close();
    this.sinkUdp.close();
    this.sinkTcp.close();
  }
}

function bindUdp(port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => {
      s.off('error', reject);
      s.on('error', () => undefined);
      resolve(s);
    });
  });
}

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

function sendUdp(sock: UdpSocket, data: Buffer, port: number, host: string): Promise<void> {
  return new Promise((resolve) => sock.send(data, port, host, () => resolve()));
}

/**
 * The RFC 4475 batch: each message from its own socket, so each answer is its own. Its Via
 * sent-by becomes that socket too: several torture messages share a branch, and with one
 * sent-by tm would rightly take them for retransmissions of each other.
 */
async function sendOracle(s: Sockets, inputs: FuzzInput[], e: Endpoints, settleMs: number): Promise<Map<string, number[]>> {
  const socks = await Promise.all(inputs.map(() => bindUdp(0)));
  const answers = new Map<string, number[]>();
  inputs.forEach((input, i) => {
    answers.set(input.oracle!, []);
    socks[i]!.on('message', (m) => answers.get(input.oracle!)!.push(...statusCodes(m, 'sip')));
  });
  const sentBy = `127.0.0.1:${s.sipPort};rport`;
  for (let i = 0; i < inputs.length; i++) {
    const own = inputs[i]!.data.toString('latin1').replace(sentBy, `127.0.0.1:${socks[i]!.address().port};rport`);
    await sendUdp(socks[i]!, Buffer.from(own, 'latin1'), e.sip!, e.host);
  }
  await sleep(settleMs);
  socks.forEach((s) => s.close());
  return answers;
}

/** Datagram targets: every input sent, then a short wait for answers. */
async function sendDatagrams(s: Sockets, inputs: FuzzInput[], port: number, host: string, settleMs: number): Promise<void> {
  for (let i = 0; i < inputs.length; i++) {
    await sendUdp(s.sip, inputs[i]!.data, port, host);
    if (i % 16 === 15) await sleep(1); // let the server's receive buffer drain a little
  }
  await sleep(settleMs);
}

/** Stream targets: one connection an input, `parallel` at a time. */
async function runStreams(inputs: FuzzInput[], port: number, host: string, parallel: number, onDone: (i: FuzzInput, o: StreamOutcome) => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      onDone(input, await runStream(host, port, input.data, input.plan ?? { splits: [], gapMs: 0, end: 'close' }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, inputs.length) }, worker));
}

export interface BatchResult {
  /** answers to the RFC 4475 inputs, by file */
  oracle?: Map<string, number[]>;
}

/** Send one batch to its target and count what came back. */
export async function driveBatch(s: Sockets, target: Target, inputs: FuzzInput[], e: Endpoints, summary: Summary): Promise<BatchResult> {
  s.current = target;
  const t = summary.tally(target);
  t.batches++;
  t.inputs += inputs.length;
  for (const i of inputs) t.bytes += i.data.length;
  if (target === 'sip-udp' && inputs.length > 0 && inputs.every((i) => i.oracle)) return { oracle: await sendOracle(s, inputs, e, 400) };
  if (target === 'sip-udp') return sendDatagrams(s, inputs, e.sip!, e.host, 150).then(() => ({}));
  if (target === 'hep-udp') return sendDatagrams(s, inputs, e.hep!, e.host, 150).then(() => ({}));
  const port = target === 'sip-tcp' ? e.sip! : target === 'msrp' ? e.msrp! : e.hepTcp!;
  const proto = target === 'msrp' ? 'msrp' : 'sip';
  await runStreams(inputs, port, e.host, 12, (input, o) => {
    if (target !== 'hep-tcp') summary.answer(target, statusCodes(o.received, proto));
    // a connection we reset may have cut an answer short
    const why = target === 'sip-tcp' && input.plan?.end !== 'reset' ? answerProblem(o.received) : undefined;
    if (why) s.problems.push(`sip-tcp answer stream (${input.kind.slice(0, 120)}): ${why}; answer: ${JSON.stringify(o.received.toString('latin1').slice(0, 600))}`);
    if (o.closedByServer) t.closedByServer[o.closedByServer] = (t.closedByServer[o.closedByServer] ?? 0) + 1;
    if (o.connectError) t.connectErrors++;
    if (input.plan?.end === 'hold') {
      t.held++;
      if (o.heldMs !== null) t.heldClosed++;
    }
  });
  await sleep(100); // late answers at the sink (hep-tcp)
  return {};
}
