import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { FuzzPorts } from './config.js';

function listenTcp(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A port free for TCP and UDP on 127.0.0.1 right now: the OS picks a TCP port, and it is
 * kept if the same UDP port is free too. (tsips binds its sockets from the config, so port 0
 * cannot be handed to it.)
 */
async function freePort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const s = await listenTcp(0);
    if (!s) continue;
    const addr = s.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    await new Promise<void>((r) => s.close(() => r()));
    if (port > 0 && !taken.has(port) && (await udpFree(port))) return port;
  }
  throw new Error('no free 127.0.0.1 port found');
}

/** Ports for the fuzz server: `base`, base+1, base+2, base+3 when given, else free ones. */
export async function pickPorts(base?: number): Promise<FuzzPorts> {
  if (base !== undefined) return { sip: base, msrp: base + 1, hep: base + 2, mi: base + 3 };
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    const p = await freePort(taken);
    taken.add(p);
    return p;
  };
  return { sip: await next(), msrp: await next(), hep: await next(), mi: await next() };
}
