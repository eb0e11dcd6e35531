import { inflateRawSync, unzipSync } from 'node:zlib';

/*
 * The fuzzer must never make the server send anything off this machine, nor to another
 * program's port on it. The fuzz config relays no SIP, but two paths still pick a destination
 * from the input: msrp_relay forwards an AUTH with a second To-Path URI, and SIP carried in
 * HEP is answered at its captured source. Inputs are checked here before they are sent: they
 * may name 127.x.x.x / ::1 and the fuzzer's own ports only; a mutation that made them point
 * elsewhere is thrown away.
 */

const LOOPBACK_AUTHORITY = /^(?:[^@/;\s]*@)?(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::(\d*))?(?:[/;\s]|$)/;

/**
 * Every "://" in the bytes is followed by a loopback authority (127.x.x.x or [::1]) whose
 * port, if any, is one of `ports`.
 */
export function loopbackOnly(data: Buffer, ports: readonly number[]): boolean {
  const text = data.toString('latin1');
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    const m = LOOPBACK_AUTHORITY.exec(text.slice(i + 3, i + 3 + 300));
    if (!m || (m[1] !== undefined && m[1] !== '' && !ports.includes(Number(m[1])))) return false;
  }
  return true;
}

const isLoop4 = (b: Buffer, o: number): boolean => b[o] === 127;
const isLoop6 = (b: Buffer, o: number): boolean => {
  for (let i = 0; i < 15; i++) if (b[o + i] !== 0) return false;
  return b[o + 15] === 1;
};

/**
 * A SIP message sent over UDP (or in HEP) is answered at its source IP and, without rport, at
 * its first Via's port: that Via must carry rport (or there must be no Via, which is answered
 * at the source port).
 */
export function sipReplySafe(msg: Buffer): boolean {
  const m = /^(?:via|v)[ \t]*:((?:[^\r\n]|\r\n[ \t])*)/im.exec(msg.toString('latin1'));
  return m === null || /;rport(?:[=;, \t]|$)/.test(m[1]!);
}
const sipSafe = sipReplySafe;

function inflate(data: Buffer): Buffer | null {
  try {
    return unzipSync(data, { maxOutputLength: 1 << 20 });
  } catch {
    try {
      return inflateRawSync(data, { maxOutputLength: 1 << 20 });
    } catch {
      return null;
    }
  }
}

/** One HEPv3 packet as the server walks it: our sources only, payloads answered safely. */
function hep3Safe(b: Buffer, srcPort: number): boolean {
  if (b.length < 6) return true;
  const total = b.readUInt16BE(4);
  if (total !== b.length) return true; // refused whole
  for (let o = 6; o + 6 <= total; ) {
    const vendor = b.readUInt16BE(o);
    const type = b.readUInt16BE(o + 2);
    const len = b.readUInt16BE(o + 4);
    if (len < 6 || o + len > total) return true; // refused from here on
    const v = o + 6;
    if (vendor === 0) {
      if (type === 3 && len === 10 && !isLoop4(b, v)) return false;
      if (type === 5 && len === 22 && !isLoop6(b, v)) return false;
      if (type === 7 && len === 8 && b.readUInt16BE(v) !== srcPort) return false;
      if (type === 0x0f && !sipSafe(b.subarray(v, o + len))) return false;
      if (type === 0x10) {
        const p = inflate(b.subarray(v, o + len));
        if (p && !sipSafe(p)) return false;
      }
    }
    o += len;
  }
  return true;
}

const isHep3Id = (b: Buffer, o: number): boolean => b.length - o >= 4 && (b.toString('latin1', o, o + 4) === 'HEP3' || b.toString('latin1', o, o + 4) === 'EEP3');

/** A HEP datagram (v1, v2 or v3) captured from 127.0.0.1 / ::1 port `srcPort`. */
export function hepDatagramSafe(b: Buffer, srcPort: number): boolean {
  if (isHep3Id(b, 0)) return hep3Safe(b, srcPort);
  if (b.length < 16 || (b[0] !== 1 && b[0] !== 2)) return true;
  const v6 = b[2] === 10;
  if (!v6 && b[2] !== 2) return true;
  if (b[1] !== (v6 ? 40 : 16)) return true;
  const fixed = b[1]! + (b[0] === 2 ? 10 : 0);
  if (b.length <= fixed) return true;
  return (v6 ? isLoop6(b, 8) : isLoop4(b, 8)) && b.readUInt16BE(4) === srcPort && sipSafe(b.subarray(fixed));
}

/** A hep_tcp byte stream, cut into packets the way the server's framer cuts it. */
export function hepStreamSafe(b: Buffer, srcPort: number): boolean {
  for (let o = 0; b.length - o >= 6; ) {
    if (!isHep3Id(b, o)) return true;
    const len = b.readUInt16BE(o + 4);
    if (len < 6) return true;
    if (b.length - o < len) return true;
    if (!hep3Safe(b.subarray(o, o + len), srcPort)) return false;
    o += len;
  }
  return true;
}
