/** HEP numbers (hep.md §1): generic chunk types (vendor 0), payload protocol types, families. */
export const CHUNK = Object.freeze({
  FAMILY: 0x0001,
  IP_PROTO: 0x0002,
  SRC_IP4: 0x0003,
  DST_IP4: 0x0004,
  SRC_IP6: 0x0005,
  DST_IP6: 0x0006,
  SRC_PORT: 0x0007,
  DST_PORT: 0x0008,
  TIME_SEC: 0x0009,
  TIME_USEC: 0x000a,
  PROTO_TYPE: 0x000b,
  CAPTURE_ID: 0x000c,
  KEEPALIVE: 0x000d,
  AUTH_KEY: 0x000e,
  PAYLOAD: 0x000f,
  COMPRESSED_PAYLOAD: 0x0010,
  CORRELATION_ID: 0x0011,
  VLAN: 0x0012,
  NODE_NAME: 0x0013,
  /** OpenSIPS: the JSON object of every correlation, in JSON (non-HOMER5) mode */
  JSON_CORRELATION: 0x0065,
});

/** Payload protocol types (chunk 0x000b), incl. the OpenSIPS-private ones. */
export const PROTO_TYPE = Object.freeze({
  SIP: 0x01,
  MI: 0x57,
  REST: 0x58,
  /** TCP-based connection events (proto_tcp tracing) */
  NET: 0x59,
  /** correlate() */
  CONTROL: 0x60,
  XLOG: 0x64,
});

/** Address families as a Linux capture host writes them. */
export const AF_INET = 2;
export const AF_INET6 = 10;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** The 6-byte header of a chunk and of a packet. */
export const HDR = 6;
export const MAX_PACKET = 0xffff;

/** Byte size of each fixed-size generic chunk's value (for validation and $hep(0x..) reads). */
export const GENERIC_SIZE: Readonly<Record<number, number>> = Object.freeze({
  0x01: 1, 0x02: 1, 0x03: 4, 0x04: 4, 0x05: 16, 0x06: 16, 0x07: 2, 0x08: 2, 0x09: 4, 0x0a: 4,
  0x0b: 1, 0x0c: 4, 0x0d: 2, 0x12: 2, 0x14: 8, 0x15: 8, 0x16: 2, 0x17: 1, 0x18: 1,
  0x20: 2, 0x21: 2, 0x23: 4, 0x27: 2, 0x28: 2,
});

export const CHUNK_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x01: 'family', 0x02: 'ip protocol', 0x03: 'IPv4 source', 0x04: 'IPv4 destination', 0x05: 'IPv6 source',
  0x06: 'IPv6 destination', 0x07: 'source port', 0x08: 'destination port', 0x09: 'timestamp', 0x0a: 'timestamp usec',
  0x0b: 'protocol type', 0x0c: 'capture id', 0x0d: 'keep-alive', 0x12: 'VLAN id', 0x14: 'source MAC',
  0x15: 'destination MAC', 0x16: 'ethernet type', 0x17: 'TCP flags', 0x18: 'IP TOS', 0x20: 'MOS', 0x21: 'R-factor',
  0x23: 'jitter', 0x27: 'tag type', 0x28: 'event type',
});
