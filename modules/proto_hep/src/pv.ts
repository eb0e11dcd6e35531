import type { PvSpec, ScriptValue } from '@tsips/core';
import { chunkValue, CHUNK, type HepPacket } from './codec/index.js';
import type { ProtoHepState } from './state.js';

const NAMES = ['version', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'proto_type', 'capture_id', 'time'] as const;

/** a parsed $hep name: a field (index into NAMES) or a chunk id */
type HepPvName = { field: number } | { chunk: number };

function byChunk(p: HepPacket, id: number): ScriptValue {
  const v6 = p.srcIp.includes(':');
  switch (id) {
    case CHUNK.FAMILY: return p.family;
    case CHUNK.IP_PROTO: return p.ipProto;
    case CHUNK.SRC_IP4: return v6 ? null : p.srcIp;
    case CHUNK.DST_IP4: return v6 ? null : p.dstIp;
    case CHUNK.SRC_IP6: return v6 ? p.srcIp : null;
    case CHUNK.DST_IP6: return v6 ? p.dstIp : null;
    case CHUNK.SRC_PORT: return p.srcPort;
    case CHUNK.DST_PORT: return p.dstPort;
    case CHUNK.TIME_SEC: return p.timeSec;
    case CHUNK.TIME_USEC: return p.timeUsec;
    case CHUNK.PROTO_TYPE: return p.protoType;
    case CHUNK.CAPTURE_ID: return p.captureId;
    case CHUNK.PAYLOAD: return p.compressed ? null : p.payload.toString('latin1');
    case CHUNK.COMPRESSED_PAYLOAD: return p.compressed ? p.payload.toString('latin1') : null;
    case CHUNK.CORRELATION_ID: return p.correlation ? p.correlation.toString('utf8') : null;
  }
  const c = p.chunks?.find((x) => x.vendor === 0 && x.type === id);
  return c ? chunkValue(c) : null;
}

/**
 * `$hep(name)`: the HEP header of the packet the current SIP message was injected from
 * (version, src_ip, dst_ip, src_port, dst_port, proto_type, capture_id, time, or a generic
 * chunk id such as 0x000c); null when the message did not come over HEP.
 */
export const hepPv: PvSpec<ProtoHepState, HepPvName> = {
  name: 'required',
  doc: '$hep(version|src_ip|dst_ip|src_port|dst_port|proto_type|capture_id|time|0xNNNN): the HEP packet the message came in',
  parseName(inner) {
    const s = inner.trim().toLowerCase();
    const field = NAMES.indexOf(s as (typeof NAMES)[number]);
    if (field >= 0) return { field };
    const n = /^0x[0-9a-f]{1,4}$/.test(s) ? Number.parseInt(s, 16) : /^\d{1,5}$/.test(s) ? Number(s) : NaN;
    if (!(n >= 1 && n <= 0xffff)) throw new Error(`unknown $hep name "${inner}" (${NAMES.join(', ')} or a chunk id like 0x000c)`);
    return { chunk: n };
  },
  get(ctx, st, name): ScriptValue {
    const p = st.origin.get(ctx.rcv);
    if (!p) return null;
    if ('chunk' in name) return byChunk(p, name.chunk);
    switch (name.field) {
      case 0: return p.version;
      case 1: return p.srcIp;
      case 2: return p.dstIp;
      case 3: return p.srcPort;
      case 4: return p.dstPort;
      case 5: return p.protoType;
      case 6: return p.captureId;
      default: return p.timeSec;
    }
  },
};
