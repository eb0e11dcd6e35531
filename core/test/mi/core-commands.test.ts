import { beforeEach, describe, expect, it } from 'vitest';
import { MiRegistry } from '../../src/mi/registry.js';
import { ctime, registerCoreMi } from '../../src/mi/core-commands.js';
import { StatsRegistry } from '../../src/stats/registry.js';

let mi: MiRegistry;
let stats: StatsRegistry;
let level: number;
const started = new Date(2025, 10, 3, 9, 5, 7).getTime();

beforeEach(() => {
  mi = new MiRegistry();
  stats = new StatsRegistry();
  level = 3;
  stats.counter('core', 'rcv_requests').inc(5);
  stats.counter('tm', 'UAS_transactions').inc(2);
  stats.counter('tm', 'inuse_transactions', { noReset: true }).inc(4);
  stats.fn('shmem', 'used_size', () => 1234);
  registerCoreMi(mi, {
    stats,
    version: '0.1.0',
    startedAt: started,
    getLogLevel: () => level,
    setLogLevel: (l) => void (level = l),
    processes: () => [
      { id: 0, pid: 4242, type: 'main' },
      { id: 1, pid: 4243, type: 'worker' },
    ],
    now: () => started + 3_725_900,
  });
});

async function result(method: string, params?: unknown): Promise<unknown> {
  const r = await mi.dispatch({ jsonrpc: '2.0', method, params, id: 1 });
  if (!r || !('result' in r)) throw new Error(`${method} failed: ${JSON.stringify(r)}`);
  return r.result;
}
async function error(method: string, params?: unknown): Promise<unknown> {
  const r = await mi.dispatch({ jsonrpc: '2.0', method, params, id: 1 });
  if (!r || !('error' in r)) throw new Error(`${method} did not fail: ${JSON.stringify(r)}`);
  return r.error;
}

describe('statistics commands', () => {
  it('get_statistics all returns every stat as group:name', async () => {
    expect(await result('get_statistics', [['all']])).toEqual({
      'core:rcv_requests': 5,
      'tm:UAS_transactions': 2,
      'tm:inuse_transactions': 4,
      'shmem:used_size': 1234,
    });
  });

  it('get_statistics by group, by name, mixed, and as a single string', async () => {
    expect(await result('get_statistics', { statistics: ['tm:'] })).toEqual({ 'tm:UAS_transactions': 2, 'tm:inuse_transactions': 4 });
    expect(await result('statistics:get', { statistics: ['core:rcv_requests', 'used_size'] })).toEqual({
      'core:rcv_requests': 5,
      'shmem:used_size': 1234,
    });
    expect(await result('get_statistics', ['tm:UAS_transactions'])).toEqual({ 'tm:UAS_transactions': 2 });
  });

  it('get_statistics of nothing known is 404 "Statistics Not Found"; an empty array is -32602', async () => {
    expect(await error('get_statistics', [['nope', 'x:']])).toEqual({ code: 404, message: 'Statistics Not Found' });
    expect(await error('get_statistics', [[]])).toEqual({ code: -32602, message: 'Invalid params', data: "Empty array in parameter 'statistics'" });
  });

  it('list_statistics marks gauges and computed stats non-incremental', async () => {
    expect(await result('list_statistics')).toEqual({
      'core:rcv_requests': 'incremental',
      'tm:UAS_transactions': 'incremental',
      'tm:inuse_transactions': 'non-incremental',
      'shmem:used_size': 'non-incremental',
    });
    expect(await result('statistics:list', [['tm:']])).toEqual({ 'tm:UAS_transactions': 'incremental', 'tm:inuse_transactions': 'non-incremental' });
  });

  it('reset_statistics resets the selected counters only, leaving gauges', async () => {
    expect(await result('reset_statistics', [['tm:']])).toBe('OK');
    expect(stats.read('tm', 'UAS_transactions')).toBe(0);
    expect(stats.read('tm', 'inuse_transactions')).toBe(4);
    expect(stats.read('core', 'rcv_requests')).toBe(5);
    expect(await error('statistics:reset', [['ghost']])).toEqual({ code: 404, message: 'Statistics Not Found' });
  });

  it('reset_all_statistics resets every counter', async () => {
    expect(await result('reset_all_statistics')).toBe('OK');
    expect(await result('get_statistics', [['all']])).toEqual({
      'core:rcv_requests': 0,
      'tm:UAS_transactions': 0,
      'tm:inuse_transactions': 4,
      'shmem:used_size': 1234,
    });
  });
});

describe('which and help', () => {
  it('which lists every command and alias', async () => {
    const names = (await result('which')) as string[];
    for (const n of ['version', 'core:version', 'uptime', 'which', 'ps', 'log_level', 'get_statistics', 'statistics:get', 'reset_all_statistics'])
      expect(names).toContain(n);
    expect(new Set(names).size).toBe(names.length);
  });

  it('which command=X gives the recipes; unknown is 404', async () => {
    expect(await result('which', { command: 'log_level' })).toEqual([[], ['level'], ['level', 'pid']]);
    expect(await result('core:which', ['list_statistics'])).toEqual([[], ['statistics']]);
    expect(await error('which', ['nope'])).toEqual({ code: 404, message: 'unknown MI command' });
  });

  it('help names the exporting module', async () => {
    expect(await result('help', ['get_statistics'])).toMatchObject({ 'Exported by': 'core' });
    expect(typeof (await result('help'))).toBe('string');
  });
});

describe('log_level, ps, version, uptime', () => {
  it('log_level without params lists every process with the level', async () => {
    expect(await result('log_level')).toEqual({
      Processes: [
        { PID: 4242, 'Log level': 3, Type: 'main' },
        { PID: 4243, 'Log level': 3, Type: 'worker' },
      ],
    });
  });

  it('log_level level sets it (numeric strings too) and rejects out-of-range values', async () => {
    expect(await result('log_level', ['4'])).toEqual({ 'New global log level': 4 });
    expect(level).toBe(4);
    expect(await result('core:log_level', { level: -1 })).toEqual({ 'New global log level': -1 });
    expect(level).toBe(-1);
    expect(await error('log_level', [9])).toMatchObject({ code: -32602, data: 'Log level must be between -3 and 4' });
    expect(await error('log_level', ['loud'])).toMatchObject({ code: -32602, data: "Bad type for parameter 'level'" });
    expect(level).toBe(-1);
  });

  it('log_level level pid checks the pid', async () => {
    expect(await result('log_level', { level: 2, pid: 4243 })).toEqual({ 'Log level': 2 });
    expect(level).toBe(2);
    expect(await error('log_level', [1, 99])).toEqual({ code: -32602, message: 'Invalid params', data: 'Bad PID' });
    expect(level).toBe(2);
  });

  it('ps lists ID, PID, Type', async () => {
    expect(await result('ps')).toEqual({ Processes: [{ ID: 0, PID: 4242, Type: 'main' }, { ID: 1, PID: 4243, Type: 'worker' }] });
  });

  it('version names tsips and its version', async () => {
    expect(await result('version')).toEqual({ Server: expect.stringMatching(/^tsips 0\.1\.0 \(node v\d+/) });
  });

  it('uptime gives ctime strings and whole seconds', async () => {
    expect(await result('uptime')).toEqual({ Now: ctime(started + 3_725_900), 'Up since': 'Mon Nov  3 09:05:07 2025', 'Up time': '3725 [sec]' });
    expect(ctime(new Date(2025, 0, 23, 16, 4, 59).getTime())).toBe('Thu Jan 23 16:04:59 2025');
  });
});
