import net from 'node:net';
import { createTestServer, type ModuleDefinition, type TestServer } from '@tsips/core';
export { waitFor, recorder } from '@tsips/core';

/** Everything a test opened, closed in afterEach. */
export class Cleanup {
  private readonly servers: TestServer[] = [];
  private readonly sockets: net.Socket[] = [];

  async server(config: string, modules: readonly ModuleDefinition[] = []): Promise<TestServer> {
    const s = await createTestServer(config, { modules });
    this.servers.push(s);
    return s;
  }

  connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host });
      this.sockets.push(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  }

  async run(): Promise<void> {
    for (const s of this.sockets.splice(0)) s.destroy();
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
  }
}



let seq = 0;
/** An OPTIONS request over TCP carrying extra headers (X-Op, X-Id ...) for the test script. */
export function options(extra: Record<string, string | number> = {}): string {
  seq++;
  const hdrs = Object.entries(extra)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return (
    `OPTIONS sip:tsips@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-ops${seq}\r\n` +
    `From: <sip:test@127.0.0.1>;tag=t${seq}\r\n` +
    `To: <sip:tsips@127.0.0.1>\r\n` +
    `Call-ID: ops-${seq}@test\r\n` +
    `CSeq: ${seq} OPTIONS\r\n` +
    `Max-Forwards: 70\r\n` +
    hdrs +
    `Content-Length: 0\r\n\r\n`
  );
}
