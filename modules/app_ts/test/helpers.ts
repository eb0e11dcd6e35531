import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServer, defineModule, type ScriptContext, type TestServer } from '@tsips/core';

const dirs: string[] = [];

/** Write a routing file into a fresh temp dir; returns its absolute path. */
export function routingFile(source: string, name = 'routes.ts'): string {
  const dir = mkdtempSync(join(tmpdir(), 'app-ts-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/** Remove the temp dirs routingFile() made (afterAll). */
export function removeRoutingFiles(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The script beside the routing file: its request route answers 404 and marks $var(script). */
export const SCRIPT_ROUTE = `route {
  $var(script) = 1;
  sl_send_reply(404, "From Script");
}`;

export function config(file: string, extra = '', script = SCRIPT_ROUTE): string {
  return `
socket = udp:127.0.0.1:0
loadmodule "proto_udp"
loadmodule "sl"
loadmodule "sipmsgops"
loadmodule "probe"
loadmodule "app_ts"
modparam("app_ts", "load", "${file}")
${extra}
${script}
`;
}

interface ProbeState {
  calls: number;
}

/**
 * A module for the tests: count() counts calls, zero() returns 0 (exit), pick() has three
 * overloads told apart by their return codes, twice(n) doubles through a fixup.
 */
export const probe = defineModule({
  name: 'probe',
  cmds: {
    count: { run: (_ctx: ScriptContext, st: ProbeState) => ++st.calls },
    zero: { run: () => 0 },
    fail: {
      run: () => {
        throw new Error('probe failed');
      },
    },
    pick: [
      { args: [], run: () => 10 },
      { args: [{ kind: 'int' }], run: (_ctx: ScriptContext, _st: ProbeState, n: number) => 20 + n },
      { args: [{ kind: 'str' }, { kind: 'str', optional: true }, { kind: 'str', optional: true }], run: (_c: ScriptContext, _s: ProbeState, ...a: string[]) => 30 + a.length },
    ],
    twice: { args: [{ kind: 'int', fixup: (v) => Number(v) * 2 }], run: (_ctx: ScriptContext, _st: ProbeState, n: number) => n },
    matches: { args: [{ kind: 'regex' }], run: (ctx: ScriptContext, _st: ProbeState, re: RegExp) => (re.test(ctx.msg.ruri) ? 1 : -1) },
  },
  init: (): ProbeState => ({ calls: 0 }),
});

export function start(file: string, extra = '', script?: string): Promise<TestServer> {
  return createTestServer(config(file, extra, script), { modules: [probe] });
}

export function options(callId = 'c1', extraHeaders = ''): string {
  return (
    'OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-' + callId + '\r\n' +
    'From: <sip:bob@127.0.0.1>;tag=f1\r\n' +
    'To: <sip:alice@127.0.0.1>\r\n' +
    `Call-ID: ${callId}\r\n` +
    'CSeq: 1 OPTIONS\r\n' +
    'Max-Forwards: 70\r\n' +
    extraHeaders +
    'Content-Length: 0\r\n\r\n'
  );
}

/** A reply whose top Via is the test server's listener, so it is relayed to 127.0.0.1:5998. */
export function reply(ts: TestServer, code: number, reason: string): string {
  const l = ts.listener('udp');
  return (
    `SIP/2.0 ${code} ${reason}\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${l.port};branch=z9hG4bK-top\r\n` +
    'Via: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bK-below\r\n' +
    'From: <sip:bob@127.0.0.1>;tag=f1\r\n' +
    'To: <sip:alice@127.0.0.1>;tag=t1\r\n' +
    'Call-ID: r1\r\n' +
    'CSeq: 1 OPTIONS\r\n' +
    'Content-Length: 0\r\n\r\n'
  );
}

/** The status lines of everything sent so far. */
export function statusLines(ts: TestServer): string[] {
  return ts.sent.map((m) => m.text.split('\r\n')[0]!);
}

export function scriptVar(ts: TestServer, name: string): unknown {
  return ts.server.engine.routes.env.getVar(name);
}
