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
  /** The compiled LD_PRELOAD shim (for options a program has no setting for); '' = none. */
  shim: string;
  /** Config template peers/<proxy>-<template>.cfg; default: the mode. */
  template?: string;
  /** More @@NAME@@ values for that template (e.g. HEP_PORT). */
  vars?: Readonly<Record<string, string>>;
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

/** The template name and the base name of the generated config and log of a run. */
export function configName(spec: PeerSpec, peer: PeerName): { template: string; base: string } {
  const template = spec.template ?? spec.mode;
  return { template: `${peer}-${template}.cfg`, base: `${peer}-${template}-${spec.transport}` };
}
