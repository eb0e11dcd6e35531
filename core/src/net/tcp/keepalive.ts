import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { KeepaliveSettings, TcpProfile } from './types.js';

/*
 * TCP keepalive socket options. Node's setKeepAlive(true, delay) sets SO_KEEPALIVE and
 * TCP_KEEPIDLE but also forces KEEPINTVL=1 and KEEPCNT=10 (libuv), so SO_KEEPALIVE is switched
 * on with delay 0 (leaves the TCP_* values alone) and the three values are set through libc
 * setsockopt via koffi. Without koffi only SO_KEEPALIVE + idle can be set (with libuv's 1/10).
 */

const SOL_SOCKET = 1;
const SO_KEEPALIVE = 9;
const IPPROTO_TCP = 6;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;

interface SockOpts {
  set(fd: number, level: number, name: number, value: number): boolean;
  get(fd: number, level: number, name: number): number | undefined;
}

/** libc binding: a process-wide, immutable resource loaded once (undefined = unavailable). */
let sockopts: SockOpts | null | undefined;
let loadError = '';

function loadSockOpts(): SockOpts | null {
  if (sockopts !== undefined) return sockopts;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const setsockopt = libc.func('int setsockopt(int fd, int level, int name, const int *val, uint32_t len)');
    const getsockopt = libc.func('int getsockopt(int fd, int level, int name, _Out_ int *val, _Inout_ uint32_t *len)');
    sockopts = {
      set: (fd, level, name, value) => setsockopt(fd, level, name, [value], 4) === 0,
      get: (fd, level, name) => {
        const out = [0];
        return getsockopt(fd, level, name, out, [4]) === 0 ? out[0] : undefined;
      },
    };
  } catch (e) {
    loadError = (e as Error).message;
    sockopts = null;
  }
  return sockopts;
}

/** The OS file descriptor of a connected socket (internal Node API, present once connected). */
function fdOf(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

export function keepaliveOf(p: TcpProfile): KeepaliveSettings {
  return { enable: p.keepalive, idle: p.keepIdle, count: p.keepCount, interval: p.keepInterval };
}

/**
 * Apply keepalive options to a connected socket. A non-zero idle/count/interval forces
 * keepalive on (OpenSIPS rule). Returns false when an option could not be set.
 */
export function applyKeepalive(socket: Socket, ka: KeepaliveSettings, log: Logger): boolean {
  const on = ka.enable || ka.idle > 0 || ka.count > 0 || ka.interval > 0;
  if (!on) {
    socket.setKeepAlive(false);
    return true;
  }
  const ffi = loadSockOpts();
  if (!ffi) {
    warnNoFfi(log);
    socket.setKeepAlive(true, ka.idle * 1000);
    return true;
  }
  socket.setKeepAlive(true, 0);
  const fd = fdOf(socket);
  if (fd === undefined) return false;
  let ok = true;
  if (ka.idle > 0) ok = ffi.set(fd, IPPROTO_TCP, TCP_KEEPIDLE, ka.idle) && ok;
  if (ka.interval > 0) ok = ffi.set(fd, IPPROTO_TCP, TCP_KEEPINTVL, ka.interval) && ok;
  if (ka.count > 0) ok = ffi.set(fd, IPPROTO_TCP, TCP_KEEPCNT, ka.count) && ok;
  return ok;
}

/** Read the live values back with getsockopt; undefined when that is not possible. */
export function readKeepalive(socket: Socket): KeepaliveSettings | undefined {
  const ffi = loadSockOpts();
  const fd = fdOf(socket);
  if (!ffi || fd === undefined) return undefined;
  const enable = ffi.get(fd, SOL_SOCKET, SO_KEEPALIVE);
  const idle = ffi.get(fd, IPPROTO_TCP, TCP_KEEPIDLE);
  const count = ffi.get(fd, IPPROTO_TCP, TCP_KEEPCNT);
  const interval = ffi.get(fd, IPPROTO_TCP, TCP_KEEPINTVL);
  if (enable === undefined || idle === undefined || count === undefined || interval === undefined) return undefined;
  return { enable: enable !== 0, idle, count, interval };
}

let warned = false;
function warnNoFfi(log: Logger): void {
  if (warned) return;
  warned = true;
  log.warn({ err: loadError }, 'koffi unavailable: TCP keepalive interval/count cannot be set (idle only)');
}
