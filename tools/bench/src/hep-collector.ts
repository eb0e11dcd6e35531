/**
 * The `trace` suite's HEP collector, a separate Node process (so receiving the traced
 * packets costs the bench's timers and CPU sampling nothing). It binds one UDP socket per
 * name on 127.0.0.1 and counts what arrives on each (hep-count.ts).
 * Usage: node hep-collector.js <name>...      Commands on stdin, one answer line each:
 *   ports  -> "ports <name>=<port>..."
 *   counts -> "counts <JSON: name -> HepCounts>"
 */
import { createSocket, type Socket } from 'node:dgram';
import { countHep, emptyCounts, type HepCounts } from './hep-count.js';
import { serveLines } from './line-child.js';

const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write('usage: hep-collector.js <name>...\n');
  process.exit(2);
}

const counts = new Map<string, HepCounts>();
const sockets = new Map<string, Socket>();

function bind(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    const c = emptyCounts();
    counts.set(name, c);
    sockets.set(name, s);
    s.on('message', (msg) => countHep(msg, c));
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
}

const ready = Promise.all(names.map(bind));

serveLines(async (cmd) => {
  await ready;
  if (cmd === 'ports') return `ports ${names.map((n) => `${n}=${sockets.get(n)!.address().port}`).join(' ')}`;
  if (cmd === 'counts') return `counts ${JSON.stringify(Object.fromEntries(counts))}`;
  throw new Error(`unknown command "${cmd}"`);
}, () => { for (const s of sockets.values()) s.close(); });
