import { bool, defineModule, int, SIP_CORE, str, TCP_MANAGER, TRACER, TRANSPORTS, TsipsError } from '@tsips/core';
import { correlate } from './correlate.js';
import { parseHepId, parseHepIds } from './hep-id.js';
import { hepTcpProto, hepUdpProto, HEP_PORT } from './protos.js';
import { hepPv } from './pv.js';
import { HepReceiver, type HepOrigin } from './receiver.js';
import { Destinations } from './send/destinations.js';
import type { SendStats } from './send/stats.js';
import type { ProtoHepState } from './state.js';
import { HepTracer } from './tracer.js';

export * from './codec/index.js';
export { parseHepId, parseHepIds, HEP_ID_DEFAULT_PORT, type HepIdSpec } from './hep-id.js';
export { HepStreamFramer, HEP_FRAMING_ERRORS } from './framing.js';
export { hepUdpProto, hepTcpProto, HEP_PORT } from './protos.js';
export { HepTracer } from './tracer.js';
export { payloadText, type PayloadParts } from './payload.js';
export type { HepDestination } from './send/destinations.js';
export type { ProtoHepState } from './state.js';

const validHepId = (v: string): string | undefined => {
  const r = parseHepId(v);
  return typeof r === 'string' ? r : undefined;
};

/**
 * proto_hep (OpenSIPS): HEP v1/v2/v3 tracing. `hep_id` destinations, the TRACER service the
 * tracer module and proto_tcp send through, hep_udp / hep_tcp listeners that inject the SIP
 * they capture into routing (with $hep), and correlate().
 */
export default defineModule({
  name: 'proto_hep',
  doc: 'HEP v1/v2/v3: trace destinations, hep_udp/hep_tcp listeners, correlate()',
  params: {
    hep_id: str({ repeat: true, validate: validHepId, doc: '"[name] host[:port]; transport=udp|tcp; version=1|2|3" (repeatable)' }),
    hep_port: int({ default: HEP_PORT, min: 1, max: 65535, doc: 'default port of hep_udp/hep_tcp sockets (not of hep_id destinations: 9060)' }),
    hep_capture_id: int({ default: 1, min: 0, max: 0xffffffff, doc: 'capture agent id (chunk 0x000c; 16 bits in HEPv2)' }),
    homer5_on: bool({ default: true, doc: '1: HOMER5 plain-text payloads joined by homer5_delim; 0: JSON payloads' }),
    homer5_delim: str({ default: ':', validate: (v) => (v === '' ? 'must not be empty' : undefined), doc: 'delimiter of HOMER5 payload parts' }),
    compressed_payload: bool({ default: false, doc: 'deflate the payload of sent HEPv3 packets (chunk 0x0010)' }),
    hep_async: bool({ default: true, doc: 'accepted for compatibility: connects and writes never block here' }),
    hep_async_max_postponed_chunks: int({ default: 32, min: 1, doc: 'packets that may wait per TCP destination while connecting or blocked' }),
    hep_async_local_connect_timeout: int({ default: 100, min: 1, unit: 'ms', doc: 'time a TCP connect to a destination may take (hep_async=1)' }),
    hep_async_local_write_timeout: int({ default: 10, min: 1, unit: 'ms', doc: 'accepted for compatibility (writes never block)' }),
    hep_send_timeout: int({ default: 100, min: 1, unit: 'ms', doc: 'queued packets may wait this long on a blocked socket; connect time with hep_async=0' }),
    hep_max_msg_chunks: int({ default: 32, min: 1, doc: 'read chunks one packet may take on hep_tcp' }),
    hep_max_retries: int({ default: 5, min: 1, doc: 'consecutive failures of a TCP destination before sends to it are suppressed' }),
    hep_retry_cooldown: int({ default: 3600, min: 0, unit: 's', doc: 'how long sends stay suppressed after hep_max_retries failures' }),
  },
  protos: [hepUdpProto, hepTcpProto],
  stats: ['hep_sent', 'hep_send_failures', 'hep_dropped', 'hep_received', 'hep_bad_packets'],
  cmds: { correlate },
  pvs: { hep: hepPv },
  async init(ctx): Promise<ProtoHepState> {
    const p = ctx.params;
    const specs = parseHepIds(p.hep_id);
    if (typeof specs === 'string')
      throw new TsipsError('PROTO_HEP_ERR_HEP_ID', `proto_hep: ${specs}`, { hint: 'give each hep_id a unique [name]: modparam("proto_hep", "hep_id", "[name] host:port; transport=udp")' });
    const stats: SendStats = { sent: ctx.stat('hep_sent'), failures: ctx.stat('hep_send_failures'), dropped: ctx.stat('hep_dropped') };
    const tcpOpts = {
      maxQueued: p.hep_async_max_postponed_chunks,
      connectTimeout: p.hep_async ? p.hep_async_local_connect_timeout : p.hep_send_timeout,
      sendTimeout: p.hep_send_timeout,
      maxRetries: p.hep_max_retries,
      cooldown: p.hep_retry_cooldown * 1000,
    };
    let dests: Destinations;
    try {
      dests = await Destinations.create(specs, tcpOpts, stats, ctx.log);
    } catch (e) {
      throw new TsipsError('PROTO_HEP_ERR_HEP_ID', `proto_hep: ${(e as Error).message}`, { hint: 'use an IP address or a resolvable host name', cause: e });
    }
    const tracer = new HepTracer(dests, { captureId: p.hep_capture_id, homer5: p.homer5_on, delim: p.homer5_delim, compress: p.compressed_payload }, stats, ctx.log);
    ctx.provide(TRACER, tracer);

    const transports = ctx.resolve(TRANSPORTS);
    transports.setDefaultPort('hep_udp', p.hep_port);
    transports.setDefaultPort('hep_tcp', p.hep_port);
    ctx.resolve(TCP_MANAGER).setProtoOptions('hep_tcp', { maxMsgChunks: p.hep_max_msg_chunks });
    const origin: HepOrigin = new WeakMap();
    const receiver = new HepReceiver(ctx.resolve(SIP_CORE), origin, ctx.stat('hep_received'), ctx.stat('hep_bad_packets'), ctx.log);
    transports.setReceiver('hep_udp', receiver);
    transports.setReceiver('hep_tcp', receiver);
    return { dests, tracer, origin, log: ctx.log };
  },
  destroy(st) {
    st.dests.close();
  },
});
