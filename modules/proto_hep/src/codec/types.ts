/** A chunk beyond the fixed fields: any vendor's, or a generic one the packet struct has no field for. */
export interface HepChunk {
  vendor: number;
  type: number;
  /** a string is written as UTF-8 */
  value: Buffer | string;
}

/** What a HEP packet carries (every version; v1/v2 have no protoType, chunks or correlation). */
export interface HepMessage {
  /** AF_INET (2) or AF_INET6 (10) */
  family: number;
  /** IPPROTO_UDP (17), IPPROTO_TCP (6) ... */
  ipProto: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  timeSec: number;
  timeUsec: number;
  /** payload protocol type (chunk 0x000b): 1 = SIP */
  protoType: number;
  captureId: number;
  payload: Buffer | string;
  /** chunk 0x0011 */
  correlation?: Buffer | string | null;
  /** further chunks, written after the payload in this order */
  chunks?: readonly HepChunk[] | null;
}

/** A decoded packet: everything received, payload inflated when it came compressed. */
export interface HepPacket extends HepMessage {
  version: 1 | 2 | 3;
  payload: Buffer;
  /** the payload came in chunk 0x0010 */
  compressed: boolean;
  correlation: Buffer | null;
  /** chunks with no field above, in wire order (values are views into the received buffer) */
  chunks: HepChunk[] | null;
}

export type DecodeResult = { ok: true; packet: HepPacket } | { ok: false; error: string };

/** An encoder refusing its input (our own code built it wrong: bad address, too big). */
export class HepEncodeError extends Error {
  override readonly name = 'HepEncodeError';
}
