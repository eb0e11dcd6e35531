import { afterEach, describe, expect, it } from 'vitest';
import { defineModule, TRACER, type TcpConnInfo, type Tracer } from '@tsips/core';
import { Cleanup, msrpApp, waitFor } from './helpers.js';
import { send } from './frames.js';

const c = new Cleanup();
afterEach(() => c.run());

interface Ev {
  dst: string;
  protocol: string;
  event: string;
  message: string;
  status: string | undefined;
  conn: TcpConnInfo;
}

/** Stands in for proto_hep: provides TRACER with one destination "hep1", records connection events. */
function fakeHep(events: Ev[]) {
  const tracer: Tracer = {
    destination: (name) => (name === 'hep1' ? { name, version: 3, transport: 'udp', host: '127.0.0.1', port: 9 } : undefined),
    message: () => undefined,
    connEvent: (dst, protocol, conn, event, message, status) => void events.push({ dst: dst.name, protocol, event, message, status, conn }),
  };
  return defineModule({ name: 'proto_hep', init: (ctx) => void ctx.provide(TRACER, tracer) });
}

const TRACE = 'modparam("proto_msrp", "trace_destination", "hep1")\nmodparam("proto_msrp", "trace_on", 1)\n';

describe('proto_msrp connection-event tracing (hep.md §4, msrp.md §6 quirk fixed)', () => {
  it('sends ACCEPTED, CONNECTED and CLOSED of msrp connections labelled MSRP, while tracing is on', async () => {
    const events: Ev[] = [];
    const app = msrpApp();
    app.onRequest = (m, a) => void a.api.forwardRequest(a.hdl, m);
    const s = await c.server(TRACE, [fakeHep(events), app.module]);
    const port = s.listener('msrp').port;
    const hop = await c.listen();
    const cl = await c.connect(port);
    await waitFor(() => events.length === 1, 'ACCEPTED');
    expect(events[0]).toMatchObject({ dst: 'hep1', protocol: 'MSRP', event: 'ACCEPTED', message: 'Connection accepted...', status: 'SUCCESS' });
    expect(events[0]!.conn.remotePort).toBe(cl.socket.localPort);

    cl.write(send({ id: 'trace1', to: `msrp://127.0.0.1:${port}/a;tcp msrp://127.0.0.1:${hop.port}/b;tcp` }));
    await waitFor(() => events.length === 2, 'CONNECTED');
    expect(events[1]).toMatchObject({ protocol: 'MSRP', event: 'CONNECTED', message: 'Successfully connected...' });
    expect(events[1]!.conn.outbound).toBe(true);

    cl.socket.end();
    await waitFor(() => events.length === 3, 'CLOSED');
    expect(events[2]).toMatchObject({ protocol: 'MSRP', event: 'CLOSED', message: 'EOF received' });
    expect(events[2]!.conn.id).toBe(events[0]!.conn.id);

    expect(await s.mi('msrp_trace', { trace_mode: 'off' })).toBe('OK');
    const quiet = await c.connect(port);
    quiet.socket.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(3);
  });

  it('a connection the trace_filter_route drops stays untraced, its CLOSED included', async () => {
    const events: Ev[] = [];
    const cfg = `${TRACE}modparam("proto_msrp", "trace_filter_route", "msrp_filter")\nroute[msrp_filter] { if ($si == "127.0.0.1") { drop; } }\n`;
    const s = await c.server(cfg, [fakeHep(events), msrpApp().module]);
    const cl = await c.connect(s.listener('msrp').port);
    cl.socket.end();
    await waitFor(() => cl.closed, 'the close');
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
  });

  it('stops start-up for a trace_filter_route that names no route, an unknown hep_id, or no proto_hep', async () => {
    await expect(c.server(`${TRACE}modparam("proto_msrp", "trace_filter_route", "nope")\n`, [fakeHep([]), msrpApp().module])).rejects.toThrow(/proto_msrp: trace_filter_route "nope" is not defined/);
    await expect(c.server('modparam("proto_msrp", "trace_destination", "other")\n', [fakeHep([]), msrpApp().module])).rejects.toThrow(/proto_msrp: trace_destination "other" is not a proto_hep hep_id/);
    await expect(c.server(TRACE, [msrpApp().module])).rejects.toThrow(/proto_msrp: trace_destination "hep1" needs the proto_hep module/);
  });
});
