import { describe, expect, it } from 'vitest';
import { loadCodecs, sampleSend } from '../src/suites/parse-codecs.js';
import { timeOps } from '../src/suites/parse.js';

describe('parse suite: MSRP and HEP codec rows', () => {
  it('loads the tsips codecs and the hep-js peer, and each gives the right result before it is timed', async () => {
    const { codecs, missing } = await loadCodecs();
    expect(missing).toEqual([]);
    expect(codecs.map((c) => c.lib)).toEqual(['tsips proto_msrp', 'tsips proto_msrp', 'tsips proto_hep', 'hep-js']);
    // the HEP peer times the same operation on the same payload
    expect(codecs[3]!.name).toBe(codecs[2]!.name);
    for (const c of codecs) expect(c.check()).toBe('');
    expect(codecs[0]!.bytes).toBe(sampleSend().length);
  });

  it('times an operation and keeps its last result', () => {
    let n = 0;
    const r = timeOps(() => ++n, 5);
    expect(r.last).toBe(n);
    expect(n % 100).toBe(0);
    expect(r.rate).toBeGreaterThan(0);
  });
});
