import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { encodeChunks, sipChunks } from './gen-hep.js';
import { optionsPing } from './sip-templates.js';
import type { Endpoints } from './types.js';

/** A probe answers within this long or the server counts as hung (the brief's 2 s). */
export const PROBE_TIMEOUT_MS = 2000;

export interface ProbeResult {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

let pingNo = 0;
const nextId = (): string => `${process.pid.toString(36)}x${(++pingNo).toString(36)}`;

async function timed(name: string, run: () => Promise<string | undefined>): Promise<ProbeResult> {
  const t0 = Date.now();
  try {
    const err = await run();
    return { name, ok: err === undefined, ms: Date.now() - t0, detail: err };
  } catch (e) {
    return { name, ok: false, ms: Date.now() - t0, detail: (e as Error).message };
  }
}

/**
 * Send `msg` from a fresh UDP socket (retransmitted like SIP's timer A, since a flood may
 * have filled the server's receive buffer) until `want` matches an answer.
 */
function udpAsk(host: string, port: number, build: (selfPort: number) => Buffer, want: RegExp): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timers: NodeJS.Timeout[] = [];
    const finish = (err: string | undefined): void => {
      timers.forEach(clearTimeout);
      s.close();
      resolve(err);
    };
    s.on('error', (e) => finish(e.message));
    s.on('message', (m) => {
      if (want.test(m.toString('latin1'))) finish(undefined);
    });
    s.bind(0, '127.0.0.1', () => {
      const msg = build(s.address().port);
      for (const at of [0, 250, 750, 1500]) timers.push(setTimeout(() => s.send(msg, port, host), at));
      timers.push(setTimeout(() => finish('no answer'), PROBE_TIMEOUT_MS));
    });
  });
}

/** Open a connection, write `msg`, wait for `want` in what comes back. */
function tcpAsk(host: string, port: number, build: (selfPort: number) => Buffer, want: RegExp): Promise<string | undefined> {
  return new Promise((resolve) => {
    let got = '';
    const sock = connect({ host, port });
    const timer = setTimeout(() => finish(got ? `unexpected answer: ${got.slice(0, 80)}` : 'no answer'), PROBE_TIMEOUT_MS);
    function finish(err: string | undefined): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(err);
    }
    sock.on('connect', () => sock.write(build(sock.localPort ?? 0)));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (want.test(got)) finish(undefined);
    });
    sock.on('error', (e) => finish(e.message));
    sock.on('close', () => finish(got ? `closed after: ${got.slice(0, 80)}` : 'closed without an answer'));
  });
}

const SIP_200 = /^SIP\/2\.0 200 /m;

export const probeSipUdp = (e: Endpoints): Promise<ProbeResult> =>
  timed('sip-udp OPTIONS', () => udpAsk(e.host, e.sip!, (p) => Buffer.from(optionsPing({ server: `${e.host}:${e.sip}`, self: `127.0.0.1:${p}`, transport: 'UDP' }, nextId())), SIP_200));

export const probeSipTcp = (e: Endpoints): Promise<ProbeResult> =>
  timed('sip-tcp OPTIONS', () => tcpAsk(e.host, e.sip!, (p) => Buffer.from(optionsPing({ server: `${e.host}:${e.sip}`, self: `127.0.0.1:${p}`, transport: 'TCP' }, nextId())), SIP_200));

/** An AUTH without credentials to msrp_relay's URI: 401 (a challenge) or 200. */
export const probeMsrp = (e: Endpoints): Promise<ProbeResult> =>
  timed('msrp AUTH', () => {
    const tid = `live${nextId()}`.replace(/[^a-z0-9]/gi, '');
    const uri = e.msrpUri ?? `msrp://${e.host}:${e.msrp};tcp`;
    return tcpAsk(e.host, e.msrp!, (p) => Buffer.from(`MSRP ${tid} AUTH\r\nTo-Path: ${uri}\r\nFrom-Path: msrp://127.0.0.1:${p}/live;tcp\r\n-------${tid}$\r\n`), new RegExp(`^MSRP ${tid} (200|401) `, 'm'));
  });

/** An OPTIONS to the proxy carried in HEPv3 over UDP: its 200 comes back to the captured source. */
export const probeHepUdp = (e: Endpoints): Promise<ProbeResult> =>
  timed('hep-udp OPTIONS', () =>
    udpAsk(e.host, e.hep!, (p) => encodeChunks(sipChunks(Buffer.from(optionsPing({ server: `${e.host}:${e.sip}`, self: `127.0.0.1:${p}`, transport: 'UDP' }, nextId())), p, e.sip ?? 5060, false)), SIP_200));

/** hep_tcp never answers: the probe is that a connection is accepted and not dropped at once. */
export const probeHepTcp = (e: Endpoints): Promise<ProbeResult> =>
  timed('hep-tcp accept', () => new Promise((resolve) => {
    const sock = connect({ host: e.host, port: e.hepTcp! });
    const timer = setTimeout(() => done('connect timed out'), PROBE_TIMEOUT_MS);
    function done(err: string | undefined): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(err);
    }
    sock.on('connect', () => setTimeout(() => done(sock.destroyed ? 'closed at once' : undefined), 50));
    sock.on('error', (err) => done(err.message));
  }));

export interface MiClient {
  call(method: string, params?: unknown): Promise<unknown>;
}

export function miClient(e: Endpoints): MiClient {
  return {
    async call(method, params) {
      const res = await fetch(`http://${e.host}:${e.mi}/mi`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(`MI ${method}: ${body.error.message}`);
      return body.result;
    },
  };
}

/** `get_statistics all` flattened to "group:name" -> number. */
export async function statistics(mi: MiClient): Promise<Map<string, number>> {
  const r = (await mi.call('get_statistics', [['all']])) as Record<string, unknown>;
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(r ?? {})) if (typeof v === 'number' || typeof v === 'string') out.set(k, Number(v));
  return out;
}
