import { describe, expect, it } from 'vitest';
import { buildParams, shellSplit } from '../src/args.js';
import { formatResult } from '../src/output.js';

describe('buildParams', () => {
  it('all name=value words form a named object (values stay strings)', () => {
    expect(buildParams('log_level', ['level=4', 'pid=12'])).toEqual({ level: '4', pid: '12' });
    expect(buildParams('x', ['a.b-c_d=v=w', 'e='])).toEqual({ 'a.b-c_d': 'v=w', e: '' });
  });

  it('one plain word makes every word positional', () => {
    expect(buildParams('x', ['a=1', 'plain'])).toEqual(['a=1', 'plain']);
    // digits are not part of an opensips-cli param name
    expect(buildParams('x', ['a1=2'])).toEqual(['a1=2']);
    expect(buildParams('x', ['=v'])).toEqual(['=v']);
  });

  it('no words: an empty named object (= no params)', () => {
    expect(buildParams('version', [])).toEqual({});
    expect(buildParams('get_statistics', [])).toEqual({});
  });

  it('packs positional words into the array param from its index', () => {
    expect(buildParams('get_statistics', ['tm:', 'core:rcv_requests'])).toEqual([['tm:', 'core:rcv_requests']]);
    expect(buildParams('statistics:reset', ['a'])).toEqual([['a']]);
    expect(buildParams('raise_event', ['E_MY', 'p1', 'p2'])).toEqual(['E_MY', ['p1', 'p2']]);
    expect(buildParams('raise_event', ['E_MY'])).toEqual(['E_MY']);
    expect(buildParams('dlg_push_var', ['n', 'v', 'd1', 'd2'])).toEqual(['n', 'v', ['d1', 'd2']]);
  });

  it('shell-splits a named array value', () => {
    expect(buildParams('get_statistics', ['statistics=tm: "core:rcv requests"'])).toEqual({ statistics: ['tm:', 'core:rcv requests'] });
    expect(buildParams('raise_event', ['event=E_X', 'params=a b'])).toEqual({ event: 'E_X', params: ['a', 'b'] });
  });

  it('-j parses values as JSON where possible', () => {
    expect(buildParams('x', ['level=4', 'o={"a":[1]}', 's=word'], { json: true })).toEqual({ level: 4, o: { a: [1] }, s: 'word' });
    expect(buildParams('x', ['4', 'null', 'text'], { json: true })).toEqual([4, null, 'text']);
    expect(buildParams('get_statistics', ['statistics=["a","b"]'], { json: true })).toEqual({ statistics: ['a', 'b'] });
    expect(buildParams('get_statistics', ['statistics=a 1'], { json: true })).toEqual({ statistics: ['a', 1] });
    expect(buildParams('x', ['level=4'])).toEqual({ level: '4' });
  });
});

describe('shellSplit', () => {
  it('splits on whitespace, honours quotes and escapes', () => {
    expect(shellSplit('  a  b\tc ')).toEqual(['a', 'b', 'c']);
    expect(shellSplit(`"a b" 'c "d"' e\\ f ""`)).toEqual(['a b', 'c "d"', 'e f', '']);
    expect(shellSplit('"x\\"y"')).toEqual(['x"y']);
    expect(() => shellSplit('"open')).toThrow(/unterminated/);
  });
});

describe('formatResult', () => {
  const r = { Processes: [{ ID: 0, Type: 'main' }], Up: 'yes' };
  it('pretty = 4-space JSON, json = one line', () => {
    expect(formatResult(r, 'pretty')).toBe(JSON.stringify(r, null, 4));
    expect(formatResult('OK', 'pretty')).toBe('"OK"');
    expect(formatResult(r, 'json')).toBe('{"Processes":[{"ID":0,"Type":"main"}],"Up":"yes"}');
  });
  it('lines = key: value with nested indentation', () => {
    expect(formatResult(r, 'lines')).toBe('Processes:\n    ID: 0\n    Type: main\nUp: yes');
    expect(formatResult('OK', 'lines')).toBe('OK');
  });
});
