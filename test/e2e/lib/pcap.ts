/**
 * A minimal pcap writer for tests: libpcap global header (Ethernet link type) and one
 * Ethernet/IPv4/UDP frame per datagram, for tools that replay captures (sngrep -I, tshark -r).
 */
export interface PcapDatagram {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  payload: Buffer | string;
  /** capture time, seconds since the epoch (may be fractional) */
  time: number;
}

function globalHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0); // magic, microsecond timestamps
  h.writeUInt16LE(2, 4); // version 2.4
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16); // snaplen
  h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  return h;
}

function ip4(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

function ipv4Udp(d: PcapDatagram, id: number): Buffer {
  const payload = typeof d.payload === 'string' ? Buffer.from(d.payload, 'latin1') : d.payload;
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12); // IPv4; zero MAC addresses are fine for replay
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip.writeUInt16BE(id & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // don't fragment
  ip[8] = 64;
  ip[9] = 17;
  ip4(d.srcIp).copy(ip, 12);
  ip4(d.dstIp).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(d.srcPort, 0);
  udp.writeUInt16BE(d.dstPort, 2);
  udp.writeUInt16BE(8 + payload.length, 4); // checksum 0: none (allowed over IPv4)
  return Buffer.concat([eth, ip, udp, payload]);
}

/** The bytes of a pcap file holding `datagrams` in order. */
export function pcapFile(datagrams: readonly PcapDatagram[]): Buffer {
  const parts = [globalHeader()];
  datagrams.forEach((d, i) => {
    const frame = ipv4Udp(d, i + 1);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(d.time), 0);
    rec.writeUInt32LE(Math.round((d.time % 1) * 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  return Buffer.concat(parts);
}
