import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';

const SUITES = ['parse', 'stateless', 'stateful'];

describe('command line', () => {
  it('defaults: both proxies, tolerant scenarios, apt-get allowed, suite defaults for rates', () => {
    const o = parseArgs(['stateful', '--quick'], SUITES);
    expect(o.suites).toEqual(['stateful']);
    expect(o.quick).toBe(true);
    expect(o.peers).toEqual(['tsips', 'kamailio']);
    expect(o.scenario).toBe('tolerant');
    expect(o.install).toBe(true);
    expect(o.rates).toBeUndefined();
    expect(o.out).toMatch(/bench-results$/);
  });

  it('reads lists and numbers', () => {
    const o = parseArgs(['stateless', 'parse', '--peers', 'kamailio', '--rates', '2000,500,500', '--duration', '2.5',
      '--transports', 'u1,tn', '--scenario', 'strict', '--out', '/tmp/x', '--no-install'], SUITES);
    expect(o.suites).toEqual(['stateless', 'parse']);
    expect(o.peers).toEqual(['kamailio']);
    expect(o.rates).toEqual([500, 2000]);
    expect(o.duration).toBe(2.5);
    expect(o.transports).toEqual(['u1', 'tn']);
    expect(o.scenario).toBe('strict');
    expect(o.out).toBe('/tmp/x');
    expect(o.install).toBe(false);
  });

  it.each([
    [['route'], /unknown suite "route"/],
    [[], /missing required argument/],
    [['parse', '--peers', 'opensips'], /unknown peer "opensips"/],
    [['parse', '--rates', '100,abc'], /positive integers/],
    [['parse', '--duration', '0'], /positive number/],
    [['parse', '--transports', 'udp'], /unknown transport "udp"/],
    [['parse', '--scenario', 'lenient'], /tolerant or strict/],
  ])('rejects %j', (argv, msg) => {
    expect(() => parseArgs(argv, SUITES)).toThrow(msg);
    expect(() => parseArgs(argv, SUITES)).toThrow(CommanderError);
  });
});
