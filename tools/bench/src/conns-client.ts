/**
 * The `conns` suite's client: a separate process (so its sockets and memory are not the
 * bench's) that holds many idle TCP connections to one 127.0.0.1 port. It sends nothing on
 * them. Commands arrive one per line on stdin, answers leave one per line on stdout:
 *   open <k>  -> opens k connections at once; "opened <ok> <failed> <open>" when all settled
 *   close     -> closes every connection;     "closed"
 *   status    ->                              "status <open> <closedByPeer>"
 * Usage: node conns-client.js <port>
 */
import { connect, type Socket } from 'node:net';
import { serveLines } from './line-child.js';

/** A connect that has not completed after this long counts as failed. */
const CONNECT_TIMEOUT_MS = 10_000;

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write('usage: conns-client.js <port>\n');
  process.exit(2);
}

const open = new Set<Socket>();
let closedByPeer = 0;

/** Resolves true once connected, false on error or timeout. */
function openOne(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let connected = false;
    const timer = setTimeout(() => { s.destroy(); resolve(false); }, CONNECT_TIMEOUT_MS);
    s.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      open.add(s);
      resolve(true);
    });
    s.on('error', () => undefined); // reported through 'close'
    s.once('close', () => {
      clearTimeout(timer);
      if (!connected) return resolve(false);
      // still in the set: the server (or the kernel) closed it, not a `close` command
      if (open.delete(s)) closedByPeer++;
    });
  });
}

serveLines(async (cmd, arg) => {
  if (cmd === 'open') {
    const k = Number(arg);
    if (!Number.isInteger(k) || k <= 0) throw new Error(`bad count "${arg}"`);
    const results = await Promise.all(Array.from({ length: k }, openOne));
    const ok = results.filter(Boolean).length;
    return `opened ${ok} ${k - ok} ${open.size}`;
  }
  if (cmd === 'close') {
    const all = [...open];
    open.clear();
    for (const s of all) s.destroy();
    return 'closed';
  }
  if (cmd === 'status') return `status ${open.size} ${closedByPeer}`;
  throw new Error(`unknown command "${cmd}"`);
});
