import { describe, expect, it } from 'vitest';
import { listensIn, parseCpuBusyTicks, parseProcStat, parseSnmpUdp, processTree, treeCpuTicks } from '../src/proc.js';

// Field layout of /proc/<pid>/stat (proc(5)); utime..cstime are fields 14..17.
const statLine = (pid: number, comm: string, ppid: number, ut: number, st: number, cut = 0, cst = 0): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${ut} ${st} ${cut} ${cst} 20 0 1 0 123 1000 200 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0`;

describe('/proc/<pid>/stat', () => {
  it('reads ppid and CPU times', () => {
    expect(parseProcStat(statLine(42, 'kamailio', 1, 150, 30, 7, 3))).toEqual({
      pid: 42, comm: 'kamailio', state: 'S', ppid: 1, utime: 150, stime: 30, cutime: 7, cstime: 3,
    });
  });

  it('survives a command name holding spaces and parentheses', () => {
    const st = parseProcStat(statLine(7, 'my (odd) prog) x', 3, 11, 22));
    expect(st.comm).toBe('my (odd) prog) x');
    expect(st.ppid).toBe(3);
    expect(st.utime + st.stime).toBe(33);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStat('nonsense')).toThrow();
  });

  it('sums a process tree, including what parents collected from exited children', () => {
    const all = [
      statLine(100, 'kamailio', 1, 10, 5, 4, 1),
      statLine(101, 'kamailio', 100, 20, 10),
      statLine(102, 'kamailio', 100, 30, 0),
      statLine(103, 'worker', 101, 1, 1),
      statLine(200, 'other', 1, 999, 999),
    ].map(parseProcStat);
    const tree = processTree(100, all);
    expect(tree.map((p) => p.pid).sort()).toEqual([100, 101, 102, 103]);
    expect(treeCpuTicks(tree)).toBe(10 + 5 + 4 + 1 + 30 + 30 + 2);
    expect(processTree(999, all)).toEqual([]);
  });
});

describe('/proc/net and /proc/stat counters', () => {
  it('reads the Udp counters of /proc/net/snmp', () => {
    const snmp = [
      'Ip: Forwarding DefaultTTL',
      'Ip: 1 64',
      'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
      'Udp: 1000 2 7 990 5 0 0 0 0',
      'UdpLite: InDatagrams NoPorts',
      'UdpLite: 0 0',
    ].join('\n');
    const udp = parseSnmpUdp(snmp);
    expect(udp['RcvbufErrors']).toBe(5);
    expect(udp['InErrors']).toBe(7);
    expect(() => parseSnmpUdp('Ip: a\nIp: 1')).toThrow();
  });

  it('finds a listening 127.0.0.1 port in /proc/net/{tcp,udp}', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:3D5E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 114119 1',
      '   1: 0100007F:5DC0 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 114120 1',
    ].join('\n');
    expect(listensIn(tcp, 0x3d5e, 'tcp')).toBe(true);
    expect(listensIn(tcp, 0x5dc0, 'tcp')).toBe(false); // established, not listening
    const udp = '   5: 0100007F:5DC0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2';
    expect(listensIn(udp, 0x5dc0, 'udp')).toBe(true);
    expect(listensIn(udp, 0x5dc1, 'udp')).toBe(false);
  });

  it('counts busy ticks of the whole machine (idle and iowait excluded)', () => {
    const stat = 'cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n';
    expect(parseCpuBusyTicks(stat)).toBe(100 + 5 + 50 + 3 + 2 + 1);
  });
});
