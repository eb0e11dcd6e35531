import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesPer, parseNoFileLimit, parseSmapsRollup, sumMemory } from '../src/memory.js';
import { acceptQueueIn, parseProcCounters, parseSsListen, pastListeners, serverSockets } from '../src/tcp-accept.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('process memory from /proc', () => {
  it('reads Rss and Pss from a captured smaps_rollup', () => {
    expect(parseSmapsRollup(fixture('smaps-rollup.txt'))).toEqual({ rssKb: 4012, pssKb: 1238, processes: 1 });
  });

  it('does not take Pss_Dirty or SwapPss for Pss', () => {
    const text = 'Rss: 10 kB\nPss_Dirty: 3 kB\nPss: 7 kB\nSwapPss: 1 kB\n';
    expect(parseSmapsRollup(text)).toEqual({ rssKb: 10, pssKb: 7, processes: 1 });
  });

  it('rejects text without an Rss line', () => {
    expect(() => parseSmapsRollup('Pss: 7 kB\n')).toThrow(/Rss/);
  });

  it('sums the processes of a tree', () => {
    const m = sumMemory([
      { rssKb: 100, pssKb: 40, processes: 1 },
      { rssKb: 60, pssKb: 20, processes: 1 },
      { rssKb: 60, pssKb: 25, processes: 1 },
    ]);
    expect(m).toEqual({ rssKb: 220, pssKb: 85, processes: 3 });
    expect(sumMemory([])).toEqual({ rssKb: 0, pssKb: 0, processes: 0 });
  });

  it('turns two kB readings into bytes per connection', () => {
    // 9000 kB more for 2000 connections: 4608 B each (Kamailio's figure in a quick run)
    expect(bytesPer(30_000, 39_000, 2000)).toBe(4608);
    expect(bytesPer(100, 90, 10)).toBe(-1024); // memory can go down (GC): reported as is
    expect(bytesPer(1, 2, 0)).toBeNaN();
  });

  it('reads the soft open files limit', () => {
    expect(parseNoFileLimit(fixture('proc-limits.txt'))).toBe(20000);
    expect(parseNoFileLimit('Max open files            1024                 524288               files\n')).toBe(1024);
    expect(parseNoFileLimit('Max open files            unlimited            unlimited            files\n')).toBe(Infinity);
    expect(() => parseNoFileLimit('Max processes 10 10 processes\n')).toThrow(/open files/);
  });
});

describe('TCP accept state from /proc/net/tcp and ss', () => {
  // Captured: a listener on 127.0.0.1:24567 (0x5FF7) with backlog 16, three clients, one
  // accepted and then closed by its client (CLOSE_WAIT), two still in the accept queue.
  const tcp = fixture('proc-net-tcp.txt');

  it('reads the accept queue from the LISTEN line', () => {
    expect(acceptQueueIn(tcp, 24567)).toBe(2);
    expect(acceptQueueIn(tcp, 24568)).toBeUndefined();
  });

  it('counts server-side connections by state, not the clients\' side', () => {
    expect(serverSockets(tcp, 24567)).toEqual({ established: 2, closeWait: 1 });
    expect(serverSockets(tcp, 0x879c)).toEqual({ established: 1, closeWait: 0 });
  });

  it('knows when the listening sockets are behind it', () => {
    const [header, listen, other] = tcp.split('\n');
    expect(pastListeners(`${header}\n${listen}\n`)).toBe(false);
    // a cut line does not count yet: its state may be incomplete
    expect(pastListeners(`${header}\n${listen}\n${other!.slice(0, 40)}`)).toBe(false);
    expect(pastListeners(`${header}\n${listen}\n${other}\n`)).toBe(true);
  });

  it('reads the queue and backlog of ss -ltnH', () => {
    expect(parseSsListen('LISTEN 3      4096   127.0.0.1:25098 0.0.0.0:*\n')).toEqual({ queued: 3, backlog: 4096 });
    expect(parseSsListen('')).toBeUndefined();
  });

  it('reads TcpExt counters by name', () => {
    const c = parseProcCounters(fixture('proc-net-netstat.txt'), 'TcpExt');
    expect(c['ListenOverflows']).toBe(80687);
    expect(c['ListenDrops']).toBe(80687);
    expect(() => parseProcCounters('Ip: a b\n', 'TcpExt')).toThrow(/TcpExt/);
  });
});
