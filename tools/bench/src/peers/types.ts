import type { ChildProcess } from 'node:child_process';
import type { PeerName, Transport } from '../args.js';

export type ProxyMode = 'stateless' | 'stateful';

/** Where and how one proxy run listens and relays. */
export interface PeerSpec {
  mode: ProxyMode;
  transport: Transport;
  ip: string;
  port: number;
  uas: { ip: string; port: number };
  /** Folder for the generated config and the proxy's log. */
  dir: string;
  /** The compiled LD_PRELOAD shim (for options a program has no setting for). */
  shim: string;
}

export interface RunningPeer {
  name: PeerName;
  pid: number;
  child: ChildProcess;
  port: number;
  configPath: string;
  logPath: string;
  /** What the bench did to give this proxy 4 MB socket buffers. */
  bufferNote: string;
}

export interface PeerDriver {
  name: PeerName;
  /** A version string, or why this proxy cannot run here. */
  check(): { ok: true; version: string } | { ok: false; reason: string };
  start(spec: PeerSpec): Promise<RunningPeer>;
}

/** The uas URI a proxy relays to, with the transport the step measures. */
export function uasUri(spec: PeerSpec): string {
  const proto = spec.transport === 'u1' ? 'udp' : 'tcp';
  return `sip:${spec.uas.ip}:${spec.uas.port};transport=${proto}`;
}
