import { describe, expect, it } from 'vitest';
import { checkVerdict, loadCorpus } from '../src/corpus.js';
import { endpointsFromConfig, fuzzConfig, fuzzEndpoints } from '../src/config.js';
import { statusCodes, Summary } from '../src/summary.js';

const corpus = loadCorpus();
const byFile = (f: string) => corpus.find((t) => t.file === f)!;

describe('RFC 4475 verdicts', () => {
  it('an invalid message must get the RFC code (or a routed answer where liberal)', () => {
    expect(checkVerdict(byFile('badvers.dat'), [505])).toBeUndefined();
    expect(checkVerdict(byFile('badvers.dat'), [486])).toMatch(/expected 505/);
    expect(checkVerdict(byFile('lwsruri.dat'), [486])).toBeUndefined(); // liberal_ok
    expect(checkVerdict(byFile('clerr.dat'), [])).toBe('no final answer');
  });

  it('a valid message must not get a core error; responses and drops get nothing', () => {
    expect(checkVerdict(byFile('wsinv.dat'), [100, 486])).toBeUndefined();
    expect(checkVerdict(byFile('wsinv.dat'), [400])).toMatch(/valid message answered 400/);
    expect(checkVerdict(byFile('bigcode.dat'), [])).toBeUndefined();
    expect(checkVerdict(byFile('bcast.dat'), [200])).toMatch(/must be dropped/);
    expect(checkVerdict(byFile('mcl01.dat'), [486])).toMatch(/expected 400/);
  });
});

describe('answers and summary', () => {
  it('finds SIP status lines and MSRP response lines in a byte stream', () => {
    const sip = Buffer.from('SIP/2.0 100 Trying\r\nVia: x\r\n\r\nSIP/2.0 486 Busy\r\n\r\nINVITE sip:a SIP/2.0\r\n');
    expect(statusCodes(sip, 'sip')).toEqual([100, 486]);
    const msrp = Buffer.from('MSRP abcd 200 OK\r\nTo-Path: x\r\n-------abcd$\r\nMSRP efgh 401\r\n-------efgh$\r\nMSRP ijkl SEND\r\n');
    expect(statusCodes(msrp, 'msrp')).toEqual([200, 401]);
  });

  it('counts answers by class and unanswered inputs', () => {
    const s = new Summary();
    s.answer('sip-tcp', [100, 486]);
    s.answer('sip-tcp', []);
    expect(s.tally('sip-tcp').answers).toEqual({ '1xx': 1, '4xx': 1, none: 1 });
    expect(s.format()).toContain('answers: 1xx 1, 4xx 1, none 1');
  });
});

describe('configs', () => {
  it('reads back the endpoints of the fuzz config', () => {
    const ports = { sip: 16400, msrp: 16401, hep: 16402, mi: 16403 };
    expect(endpointsFromConfig(fuzzConfig(ports))).toEqual(fuzzEndpoints(ports));
  });

  it('takes the first SIP socket and the default MI port of a foreign config', () => {
    const e = endpointsFromConfig('listen = udp:127.0.0.1:5070\nsocket=tcp:127.0.0.1:5071\nloadmodule "mi_http"\n');
    expect(e).toEqual({ host: '127.0.0.1', sip: 5070, mi: 8888 });
  });
});
