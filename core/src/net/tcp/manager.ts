import net from 'node:net';
import type { Logger } from 'pino';
import type { GlobalParams } from '../../config/globals.js';
import type { HookBus } from '../../hooks.js';
import type { StatsRegistry } from '../../stats/registry.js';
import type { MessageSink, ProtoHandler } from '../proto.js';
import type { Destination, Listener, ProtoName, SendData, SendResult } from '../types.js';
import { TcpConnection, type ConnOwner } from './connection.js';
import { applyKeepalive, keepaliveOf, readKeepalive } from './keepalive.js';
import { copyProfile, matchProfile, profileFromGlobals } from './profile.js';
import { REASON } from './reasons.js';
import { TcpStats } from './stats.js';
import { ConnTable, usable, type AliasResult } from './table.js';
import { ConnState, type CloseReason, type KeepaliveSettings, type StreamProtoOptions, type TcpConnInfo, type TcpProfile } from './types.js';
import { WriteBatch } from './write-batch.js';

export interface TcpManagerDeps {
  log: Logger;
  hooks: HookBus;
  stats: StatsRegistry;
  globals: GlobalParams;
  /** how often idle lifetimes and read deadlines are checked (ms); tests may shorten it */
  scanIntervalMs?: number;
}

/** OpenSIPS proto_tcp defaults, used for a stream proto until its module sets its own. */
export const DEFAULT_STREAM_OPTIONS: Readonly<StreamProtoOptions> = Object.freeze({
  defaultPort: 5060,
  maxMsgChunks: 4,
  crlfPingPong: true,
  crlfDrop: false,
  maxPendingWrites: 32,
  sendTimeout: 100,
});

/** Outcome of an RFC 5923 Via alias attempt for a received request. */
export type ViaAliasResult = AliasResult | 'off' | 'no-conn';

interface ProtoEntry {
  handler: ProtoHandler;
  options: Readonly<StreamProtoOptions>;
}

/**
 * The core connection manager for every stream proto (tcp-core.md §2-§4): listeners, accept
 * limit, outbound connects, the connection table with RFC 5923 aliases, per-connection
 * profiles, keepalive socket options, lifetimes and read deadlines (one periodic scan for
 * all connections), close reasons reported through hooks.tcpClosed.
 */
export class TcpManager implements ConnOwner {
  readonly log: Logger;
  readonly hooks: HookBus;
  readonly batch = new WriteBatch();
  private readonly globals: GlobalParams;
  private readonly stats: TcpStats;
  private readonly table = new ConnTable<TcpConnection>();
  private readonly protos = new Map<ProtoName, ProtoEntry>();
  /** options set before the proto's handler was registered */
  private readonly earlyOptions = new Map<ProtoName, Partial<StreamProtoOptions>>();
  private readonly servers: net.Server[] = [];
  private readonly sinks = new Map<Listener, MessageSink>();
  /** first listener per `${proto}/${family}`: the source socket of outbound connections */
  private readonly defaults = new Map<string, Listener>();
  private readonly defProfile: TcpProfile;
  private readonly scanIntervalMs: number;
  private scanTimer: NodeJS.Timeout | undefined;
  private accepted = 0;

  constructor(deps: TcpManagerDeps) {
    this.log = deps.log;
    this.hooks = deps.hooks;
    this.globals = deps.globals;
    this.defProfile = profileFromGlobals(deps.globals);
    this.scanIntervalMs = deps.scanIntervalMs ?? 1000;
    this.stats = new TcpStats(deps.stats, () => this.table.size);
  }

  // ---- configuration ----

  registerStreamProto(h: ProtoHandler): void {
    if (!h.stream || !h.createFramer) throw new Error(`proto ${h.name}: a stream proto needs createFramer`);
    if (this.protos.has(h.name)) throw new Error(`stream proto ${h.name} is already registered`);
    const options = Object.freeze({ ...DEFAULT_STREAM_OPTIONS, defaultPort: h.defaultPort, ...this.earlyOptions.get(h.name) });
    this.protos.set(h.name, { handler: h, options });
  }

  /**
   * A proto module's settings (proto_tcp params), usually set in its init before the handler
   * is registered; applies to connections created afterwards.
   */
  setProtoOptions(proto: ProtoName, opts: Partial<StreamProtoOptions>): void {
    const e = this.protos.get(proto);
    if (e) e.options = Object.freeze({ ...e.options, ...opts });
    else this.earlyOptions.set(proto, { ...this.earlyOptions.get(proto), ...opts });
  }

  protoOptions(proto: ProtoName): Readonly<StreamProtoOptions> {
    return this.entry(proto).options;
  }

  hasProto(proto: ProtoName): boolean {
    return this.protos.has(proto);
  }

  /** false with the core global disable_tcp */
  get enabled(): boolean {
    return !this.globals.disable_tcp;
  }

  defaultProfile(): TcpProfile {
    return this.defProfile;
  }

  // ---- listening ----

  async listen(listener: Listener, sink: MessageSink): Promise<void> {
    const entry = this.entry(listener.proto);
    this.sinks.set(listener, sink);
    const server = net.createServer({ noDelay: true });
    server.on('connection', (socket) => this.onAccept(listener, entry, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listener.ip, port: listener.port, backlog: this.globals.tcp_listen_backlog ?? this.globals.tcp_socket_backlog, ipv6Only: listener.family === 6 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err, socket: listener.name }, 'listener error'));
    const addr = server.address();
    if (addr && typeof addr === 'object') listener.port = addr.port;
    this.servers.push(server);
    const key = `${listener.proto}/${listener.family}`;
    if (!this.defaults.has(key)) this.defaults.set(key, listener);
  }

  private onAccept(listener: Listener, entry: ProtoEntry, socket: net.Socket): void {
    if (this.accepted >= this.globals.tcp_max_connections) {
      this.stats.rejectedMaxConns.inc();
      socket.destroy();
      return;
    }
    const remoteIp = socket.remoteAddress;
    const remotePort = socket.remotePort;
    if (remoteIp === undefined || remotePort === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const profile = this.profileFor(listener.proto, remoteIp, remotePort, listener) ?? this.defProfile;
    const conn = new TcpConnection(this, {
      id: this.table.newId(),
      proto: listener.proto,
      handler: entry.handler,
      socket,
      listener,
      outbound: false,
      profile: copyProfile(profile),
      options: entry.options,
      sink: this.sinks.get(listener)!,
      remoteIp,
      remotePort,
    });
    this.accepted++;
    this.stats.accepted.inc();
    this.addConn(conn);
    this.applyProfileKeepalive(conn);
    if (this.hooks.tcpConnected.isUsed()) this.hooks.tcpConnected.call(conn);
  }

  // ---- sending ----

  /**
   * Send on a stream proto (tcp-core.md §5 "Sending"): the connection `dst.conId` if alive,
   * else one to (proto, ip, port[, listener]), else a new connection unless no-new-conn applies
   * (a matched profile decides; without one dst.noNewConn does).
   */
  send(dst: Destination, buf: SendData, onFail?: (error: string) => void): SendResult {
    let conn: TcpConnection | undefined;
    if (dst.conId) {
      const c = this.table.get(dst.conId);
      if (c && usable(c.state)) conn = c;
    }
    conn ??= this.table.find(dst.proto, dst.ip, dst.port || this.protos.get(dst.proto)?.options.defaultPort || 0, dst.listener);
    const res = conn ? conn.send(buf, onFail) : this.connectAndSend(dst, buf, onFail);
    if (!res.ok) this.stats.sendFailed.inc();
    return res;
  }

  private connectAndSend(dst: Destination, buf: SendData, onFail: ((error: string) => void) | undefined): SendResult {
    const entry = this.protos.get(dst.proto);
    if (!entry) return { ok: false, error: `no stream proto "${dst.proto}"` };
    if (!dst.ip) return { ok: false, error: 'no destination address' };
    const family = dst.ip.includes(':') ? 6 : 4;
    const listener = dst.listener ?? this.defaults.get(`${dst.proto}/${family}`);
    if (!listener) return { ok: false, error: `no ${dst.proto} socket for IPv${family}` };
    if (listener.family !== family) return { ok: false, error: `socket ${listener.name} cannot reach ${dst.ip}` };
    const sink = this.sinks.get(listener);
    if (!sink || listener.proto !== dst.proto) return { ok: false, error: `socket ${listener.name} is not a listening ${dst.proto} socket` };
    const port = dst.port || entry.options.defaultPort;
    const matched = this.profileFor(dst.proto, dst.ip, port, listener);
    if (matched ? matched.noNewConn : dst.noNewConn)
      return { ok: false, error: `no ${dst.proto} connection to ${dst.ip}:${port} and opening one is not allowed` };
    const conn = new TcpConnection(this, {
      id: this.table.newId(),
      proto: dst.proto,
      handler: entry.handler,
      socket: new net.Socket(),
      listener,
      outbound: true,
      profile: copyProfile(matched ?? this.defProfile),
      options: entry.options,
      sink,
      remoteIp: dst.ip,
      remotePort: port,
    });
    this.addConn(conn);
    const res = conn.send(buf, onFail);
    // source address = our socket's IP, ephemeral port (a wildcard socket lets the OS pick)
    conn.connect(isWildcard(listener.ip) ? undefined : listener.ip, family);
    return res;
  }

  onConnected(conn: TcpConnection): void {
    this.stats.connected.inc();
    this.applyProfileKeepalive(conn);
    if (this.hooks.tcpConnected.isUsed()) this.hooks.tcpConnected.call(conn);
  }

  // ---- removal ----

  drop(conn: TcpConnection, reason: CloseReason, detail?: string): void {
    if (!usable(conn.state)) return;
    const wasConnecting = conn.state === ConnState.CONNECTING;
    conn.teardown(reason, detail);
    if (!this.table.remove(conn)) return;
    if (!conn.outbound) this.accepted--;
    if (wasConnecting) this.stats.connectFailed.inc();
    if (reason.kind === 'write-error') this.stats.writeErrors.inc();
    else if (reason.kind === 'read-timeout') this.stats.readTimeouts.inc();
    this.stats.closed[reason.kind].inc();
    if (reason.kind !== 'eof' && reason.kind !== 'local')
      this.log.debug({ conId: conn.id, peer: `${conn.remoteIp}:${conn.remotePort}`, reason: reason.text, detail }, 'connection closed');
    if (this.hooks.tcpClosed.isUsed()) this.hooks.tcpClosed.call(conn, reason);
    if (this.table.size === 0) this.stopScan();
  }

  // ---- API for tcpops / tcp_mgm / MI ----

  get(id: number): TcpConnInfo | undefined {
    return this.table.get(id);
  }

  findByAddress(proto: ProtoName, ip: string, port: number): TcpConnInfo | undefined {
    return this.table.find(proto, ip, port);
  }

  list(): TcpConnInfo[] {
    return [...this.table.values()];
  }

  count(): number {
    return this.table.size;
  }

  /** The MI/tcpops state number (ConnState) or undefined for an unknown id. */
  state(id: number): number | undefined {
    return this.table.get(id)?.state;
  }

  /** 'extend': move the deadline to now+secs only if later (dst_attr); 'set': exactly now+secs (tcpops). */
  setLifetime(id: number, secs: number, mode: 'extend' | 'set'): boolean {
    const conn = this.table.get(id);
    if (!conn || secs < 0) return false;
    if (mode === 'extend') conn.extendLifetime(secs);
    else conn.lifetimeDeadline = Date.now() + secs * 1000;
    return true;
  }

  /** Close a connection on request (tcpops, MI): reason "Closed by Proto layer". */
  close(id: number): boolean {
    const conn = this.table.get(id);
    if (!conn) return false;
    this.drop(conn, REASON.local);
    return true;
  }

  addAlias(id: number, port: number): AliasResult | 'no-conn' {
    const conn = this.table.get(id);
    return conn ? this.table.addAlias(conn, port) : 'no-conn';
  }

  /**
   * RFC 5923 for a request received on connection `id`: add the top Via port as an alias when
   * the connection's profile alias mode allows it (2 always; 1 only with Via `;alias`).
   * Port 0 means the proto's default port. Refusals are logged; the request goes on.
   */
  handleViaAlias(id: number, viaPort: number, viaHasAlias: boolean): ViaAliasResult {
    const conn = this.table.get(id);
    if (!conn) return 'no-conn';
    const mode = conn.profile.aliasMode;
    if (mode === 0 || (mode === 1 && !viaHasAlias)) return 'off';
    const res = this.table.addAlias(conn, viaPort || conn.options.defaultPort);
    if (res !== 'ok')
      this.log.warn(
        { conId: id, peer: `${conn.remoteIp}:${conn.remotePort}`, port: viaPort },
        res === 'hijack' ? 'Via alias refused: possible port hijack attempt' : 'Via alias refused: too many aliases',
      );
    return res;
  }

  setKeepalive(id: number, ka: KeepaliveSettings): boolean {
    const conn = this.table.get(id);
    if (!conn || conn.state !== ConnState.OK) return false;
    return applyKeepalive(conn.socket, ka, this.log);
  }

  getKeepalive(id: number): KeepaliveSettings | undefined {
    const conn = this.table.get(id);
    return conn ? readKeepalive(conn.socket) : undefined;
  }

  /** Close every listener and connection (reason local). */
  async shutdown(): Promise<void> {
    this.stopScan();
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    this.servers.length = 0;
    for (const conn of [...this.table.values()]) this.drop(conn, REASON.local);
    this.table.clear();
    this.sinks.clear();
    this.defaults.clear();
    await Promise.all(closing);
  }

  // ---- internals ----

  private entry(proto: ProtoName): ProtoEntry {
    const e = this.protos.get(proto);
    if (!e) throw new Error(`no stream proto "${proto}" registered (is its proto module loaded?)`);
    return e;
  }

  private profileFor(proto: ProtoName, remoteIp: string, remotePort: number, listener: Listener): TcpProfile | undefined {
    if (!this.hooks.tcpProfileFor.isUsed()) return undefined;
    return matchProfile(this.hooks, { proto, remoteIp, remotePort, localIp: listener.ip, localPort: listener.port });
  }

  private applyProfileKeepalive(conn: TcpConnection): void {
    if (!applyKeepalive(conn.socket, keepaliveOf(conn.profile), this.log))
      this.log.warn({ conId: conn.id }, 'could not set TCP keepalive options');
  }

  private addConn(conn: TcpConnection): void {
    this.table.add(conn);
    if (!this.scanTimer) {
      this.scanTimer = setInterval(this.scan, this.scanIntervalMs);
      this.scanTimer.unref();
    }
  }

  private stopScan(): void {
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = undefined;
  }

  /** One pass over all connections: idle lifetimes and incomplete-message deadlines. */
  private readonly scan = (): void => {
    const now = Date.now();
    for (const conn of this.table.values()) {
      if (conn.state !== ConnState.OK) continue;
      if (conn.readDeadline !== 0 && now > conn.readDeadline) this.drop(conn, REASON.readTimeout);
      else if (now > conn.lifetimeDeadline && conn.idle) this.drop(conn, REASON.idle);
    }
  };
}

function isWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}
