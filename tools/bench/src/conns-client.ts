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
import { createInterface } from 'node:readline';

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

async function handle(line: string): Promise<string | undefined> {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'open') {
    const k = Number(arg);
    if (!Number.isInteger(k) || k <= 0) return `error bad count "${arg}"`;
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
  return cmd ? `error unknown command "${cmd}"` : undefined;
}

// Commands run one after another: the bench waits for each answer before the next.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    const answer = await handle(line);
    if (answer) process.stdout.write(`${answer}\n`);
  });
}).on('close', () => {
  // stdin closed: the bench is gone or done; drop everything and leave.
  void queue.then(() => process.exit(0));
});
