import net from 'node:net';
import { createTestServer, defineModule, waitFor, type ModuleDefinition, type TestServer } from '@tsips/core';
import protoMsrp, { MSRP_API, type MsrpApi, type MsrpHandle, type MsrpHandlerFilter, type MsrpMessage, type MsrpTransaction } from '../src/index.js';
export { waitFor } from '@tsips/core';


const FRAME = /^MSRP (\S+) [\s\S]*?\r\n-------\1[$+#]\r\n/;

/** A raw MSRP peer over TCP: frames it received, in order (split at their end-lines). */
export class Peer {
  readonly frames: string[] = [];
  private pending = '';
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
    socket.on('data', (d) => {
      this.pending += d.toString('latin1');
      for (let m = FRAME.exec(this.pending); m; m = FRAME.exec(this.pending)) {
        this.frames.push(m[0]);
        this.pending = this.pending.slice(m[0].length);
      }
    });
  }
  write(s: string): void {
    this.socket.write(Buffer.from(s, 'latin1'));
  }
  async next(what = 'a frame', ms = 4000): Promise<string> {
    await waitFor(() => this.frames.length > 0, what, ms);
    return this.frames.shift()!;
  }
}

export interface App {
  module: ModuleDefinition;
  api: MsrpApi;
  hdl: MsrpHandle;
  /** handles of the extra filters registered after the first */
  extra: MsrpHandle[];
  requests: MsrpMessage[];
  replies: [MsrpMessage | null, MsrpTransaction][];
  /** what a request should trigger (default: record only) */
  onRequest: (m: MsrpMessage, app: App) => void;
  onReply: (m: MsrpMessage | null, tx: MsrpTransaction, app: App) => void;
}

/** A tiny MSRP application: registers handlers through MSRP_API and records what it gets. */
export function msrpApp(filters: MsrpHandlerFilter[] = [{ host: '*', port: 0, secured: false }]): App {
  const app = { requests: [], replies: [], extra: [], onRequest: () => undefined, onReply: () => undefined } as unknown as App;
  app.module = defineModule({
    name: 'msrp_test',
    deps: ['proto_msrp'],
    init(ctx) {
      app.api = ctx.resolve(MSRP_API);
      filters.forEach((f, i) => {
        const h = app.api.registerHandler(f, {
          onRequest: (m) => {
            app.requests.push(m);
            app.onRequest(m, app);
          },
          onReply: (m, tx) => {
            app.replies.push([m, tx]);
            app.onReply(m, tx, app);
          },
        });
        if (i === 0) app.hdl = h;
        else app.extra.push(h);
      });
    },
  });
  return app;
}

/** Everything a test opened, closed in afterEach. */
export class Cleanup {
  private readonly servers: TestServer[] = [];
  private readonly sockets: net.Socket[] = [];
  private readonly listeners: net.Server[] = [];

  async server(extraConfig: string, modules: readonly ModuleDefinition[]): Promise<TestServer> {
    const loads = modules.map((m) => `loadmodule "${m.name}"\n`).join('');
    const s = await createTestServer(`socket=msrp:127.0.0.1:0\nloadmodule "proto_msrp"\n${loads}${extraConfig}\nstartup_route { exit; }\n`, {
      modules: [protoMsrp, ...modules],
    });
    this.servers.push(s);
    return s;
  }

  connect(port: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      this.sockets.push(s);
      const p = new Peer(s);
      s.once('connect', () => resolve(p));
      s.once('error', reject);
    });
  }

  /** A listening MSRP next hop; resolves with its port and the peers that connect to it. */
  async listen(): Promise<{ port: number; peers: Peer[] }> {
    const peers: Peer[] = [];
    const srv = net.createServer((sock) => {
      this.sockets.push(sock);
      peers.push(new Peer(sock));
    });
    this.listeners.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { port: (srv.address() as net.AddressInfo).port, peers };
  }

  async run(): Promise<void> {
    for (const s of this.sockets.splice(0)) s.destroy();
    await Promise.all(this.listeners.splice(0).map((l) => new Promise((r) => l.close(r))));
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
  }
}

/** A local port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** proto_msrp's statistics of a test server */
export function msrpStats(s: TestServer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.server.stats.get(['proto_msrp:']))) out[k.slice('proto_msrp:'.length)] = v;
  return out;
}
