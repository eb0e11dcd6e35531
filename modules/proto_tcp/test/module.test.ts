import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MiError, TCP_MANAGER, TRANSPORTS, type ModuleContext, type ParamSpec } from '@tsips/core';
import protoTcp, { type ProtoTcpState } from '../src/index.js';
import { connect, OPTIONS, tcpStack, waitFor, type Stack } from './helpers.js';

const sockets: net.Socket[] = [];
const stacks: Stack[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(stacks.splice(0).map((s) => s.transports.close()));
});

/** Run the module's init the way the server does: typed params, resolve, provide. */
async function initModule(params: Record<string, unknown> = {}): Promise<{ st: ProtoTcpState; stack: Stack }> {
  let st: ProtoTcpState | undefined;
  const stack = await tcpStack({}, (s) => {
    const values: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(protoTcp.params as Record<string, ParamSpec>)) values[k] = spec.default;
    const ctx = {
      name: 'proto_tcp',
      params: { ...values, ...params },
      log: s.tcp.log,
      hooks: s.hooks,
      resolve: (t: unknown) => (t === TCP_MANAGER ? s.tcp : t === TRANSPORTS ? s.transports : undefined),
    } as unknown as ModuleContext<NonNullable<typeof protoTcp.params>>;
    st = protoTcp.init!(ctx) as ProtoTcpState;
  });
  stacks.push(stack);
  return { st: st!, stack };
}

const mi = (name: 'tcp_trace' | 'list_tcp_conns', params: string[]) => protoTcp.mi![name]!.recipes.find((r) => r.params.join() === params.join())!;

describe('proto_tcp module', () => {
  it('declares the OpenSIPS params with their defaults and its proto', () => {
    const p = protoTcp.params as Record<string, ParamSpec>;
    const defaults = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.default]));
    expect(defaults).toEqual({
      tcp_port: 5060,
      tcp_send_timeout: 100,
      tcp_max_msg_chunks: 4,
      tcp_crlf_pingpong: true,
      tcp_crlf_drop: false,
      tcp_async: true,
      tcp_async_max_postponed_chunks: 32,
      tcp_async_local_connect_timeout: 100,
      tcp_async_local_write_timeout: 10,
      tcp_parallel_handling: false,
      trace_destination: undefined,
      trace_on: false,
      trace_filter_route: undefined,
    });
    expect(p.trace_destination!.kind === 'str' && p.trace_destination!.validate?.(' ')).toBeTruthy();
    expect(protoTcp.protos!.map((h) => [h.name, h.stream, h.defaultPort])).toEqual([['tcp', true, 5060]]);
  });

  it('wires its params into the TCP manager and transports', async () => {
    const { stack } = await initModule({ tcp_port: 5080, tcp_max_msg_chunks: 9, tcp_crlf_pingpong: false, tcp_crlf_drop: true, tcp_send_timeout: 250, tcp_async_max_postponed_chunks: 1 });
    expect(stack.tcp.protoOptions('tcp')).toEqual({ defaultPort: 5080, maxMsgChunks: 9, crlfPingPong: false, crlfDrop: true, maxPendingWrites: 2, sendTimeout: 250 });
    expect(stack.transports.defaultPort('tcp')).toBe(5080);
    // crlf_pingpong 0 reaches the framer of a new connection: a ping gets no pong
    const c = await connect(stack.l.port, sockets);
    let pong = false;
    c.on('data', () => (pong = true));
    c.write('\r\n\r\n' + OPTIONS(1));
    await waitFor(() => stack.sink.got.length === 1, 'message');
    expect(pong).toBe(false);
  });

  it('tcp_trace shows and switches the tracing state; other modes are invalid params', async () => {
    const { st } = await initModule({ trace_on: true, trace_destination: 'hep1' });
    expect(protoTcp.mi!.tcp_trace!.aliases).toContain('tcp:trace');
    expect(mi('tcp_trace', []).run({}, st)).toEqual({ 'TCP tracing': 'on' });
    expect(st.trace.control.active).toBe(true);
    expect(mi('tcp_trace', ['trace_mode']).run({ trace_mode: 'OFF' }, st)).toBe('OK');
    expect(mi('tcp_trace', []).run({}, st)).toEqual({ 'TCP tracing': 'off' });
    expect(st.trace.control.active).toBe(false);
    let err: unknown;
    try {
      mi('tcp_trace', ['trace_mode']).run({ trace_mode: 'maybe' }, st);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MiError);
    expect(err).toMatchObject({ code: -32602, message: 'Invalid params', data: "trace_mode should be 'on' or 'off'" });
  });

  it('list_tcp_conns dumps every connection; tcp:list filters by proto', async () => {
    const { st, stack } = await initModule();
    const c = await connect(stack.l.port, sockets);
    await waitFor(() => stack.tcp.count() === 1, 'accepted');
    const id = stack.tcp.list()[0]!.id;
    const out = mi('list_tcp_conns', []).run({}, st) as { Connections: Record<string, unknown>[] };
    expect(out.Connections).toHaveLength(1);
    const conn = out.Connections[0]!;
    expect(conn).toMatchObject({ ID: id, Type: 'tcp', State: 0, Remote: `127.0.0.1:${c.localPort}`, Local: `127.0.0.1:${stack.l.port}`, 'Alias port': [c.localPort] });
    expect(conn.Lifetime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(protoTcp.mi!.list_tcp_conns!.aliases).toContain('tcp:list');
    expect((mi('list_tcp_conns', ['proto']).run({ proto: 'TCP' }, st) as { Connections: unknown[] }).Connections).toHaveLength(1);
    expect(() => mi('list_tcp_conns', ['proto']).run({ proto: 'tls' }, st)).toThrow(MiError);
  });
});
