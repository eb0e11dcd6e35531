import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';

/** Below the kernel's ephemeral range (32768+), so SIPp's many client connections never take them. */
const LOW = 20000;
const HIGH = 32000;

function bindUdp(port: number): Promise<UdpSocket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(undefined); });
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

function bindTcp(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/**
 * `count` distinct ports free for both UDP and TCP on 127.0.0.1 right now (other test
 * suites on this machine use the SIP defaults, so fixed ports would collide).
 */
export async function pickPorts(count: number, random: () => number = Math.random): Promise<number[]> {
  const held: { udp: UdpSocket; tcp: Server; port: number }[] = [];
  try {
    for (let tries = 0; held.length < count; tries++) {
      if (tries > 200) throw new Error('could not find free 127.0.0.1 ports');
      const port = LOW + Math.floor(random() * (HIGH - LOW));
      if (held.some((h) => h.port === port)) continue;
      const udp = await bindUdp(port);
      if (!udp) continue;
      const tcp = await bindTcp(port);
      if (!tcp) { udp.close(); continue; }
      held.push({ udp, tcp, port });
    }
    return held.map((h) => h.port);
  } finally {
    await Promise.all(held.map((h) => new Promise<void>((r) => { h.udp.close(); h.tcp.close(() => r()); })));
  }
}
