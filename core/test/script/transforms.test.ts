import { describe, expect, it } from 'vitest';
import { pvAccessor } from '../../src/script/pv-accessor.js';
import { compileFormat } from '../../src/script/format.js';
import { transformNames } from '../../src/script/transforms.js';
import { compile, compileErrors, fakeSymbols, newCtx } from './helpers.js';

/** Run `$var(v) = value; trace("<format>")` for each format and return what was traced. */
function traced(value: string | number, formats: string[]): string[] {
  const v = typeof value === 'number' ? String(value) : JSON.stringify(value);
  const c = compile(`route {\n  $var(v) = ${v};\n  $var(i) = 2;\n${formats.map((f) => `  trace("${f.replace(/"/g, '\\"')}");`).join('\n')}\n}`);
  c.run();
  return c.state.trace;
}

describe('transformations: s.*', () => {
  it('s.len, s.tolower, s.toupper, s.trim (ints read as their decimal text; null stays null)', () => {
    expect(traced('Hello World', ['$(var(v){s.len})', '$(var(v){s.tolower})', '$(var(v){s.toupper})', '$(var(nope){s.len})'])).toEqual([
      '11', 'hello world', 'HELLO WORLD', '<null>',
    ]);
    expect(traced('', ['[$(var(v){s.len})]', '[$(var(v){s.trim})]', '[$(var(v){s.toupper})]'])).toEqual(['[0]', '[]', '[]']);
    expect(traced(-42, ['$(var(v){s.len})', '$(var(v){s.toupper})'])).toEqual(['3', '-42']);
    expect(traced(' \t 12ab \r\n', ['[$(var(v){s.trim})]', '[$(var(v){s.ltrim})]', '[$(var(v){s.rtrim})]'])).toEqual(['[12ab]', '[12ab \r\n]', '[ \t 12ab]']);
  });

  it('s.substr: negative offsets count from the end, length 0 is to the end, out of range is null', () => {
    expect(
      traced('Hello World', [
        '$(var(v){s.substr,1,3})', '$(var(v){s.substr,-5,0})', '$(var(v){s.substr,2,0})', '$(var(v){s.substr,8,10})',
        '$(var(v){s.substr,11,1})', '$(var(v){s.substr,-12,2})', '$(var(v){s.substr,$var(i),2})', '$(var(v){s.substr,$var(v),2})',
      ]),
    ).toEqual(['ell', 'World', 'llo World', 'rld', '<null>', '<null>', 'll', '<null>']);
    expect(traced('', ['$(var(v){s.substr,0,0})'])).toEqual(['<null>']);
  });

  it('s.select: by index (negative from the end), out of range is empty, the separator may be , or a space', () => {
    expect(
      traced('a,b,,c', ['$(var(v){s.select,0,,})', '$(var(v){s.select,1,,})', '[$(var(v){s.select,2,,})]', '$(var(v){s.select,-1,,})', '[$(var(v){s.select,9,,})]', '[$(var(v){s.select,-5,,})]']),
    ).toEqual(['a', 'b', '[]', 'c', '[]', '[]']);
    expect(traced('Hello World', ['$(var(v){s.select,1, })', '$(var(v){s.select,0,o})', '$(var(v){s.select,$var(i),l})'])).toEqual(['World', 'Hell', 'o Wor']);
    expect(traced('', ['[$(var(v){s.select,0,;})]'])).toEqual(['[]']);
  });

  it('s.int: an integer text becomes an int, anything else null', () => {
    expect(traced('-42', ['$(var(v){s.int})'])).toEqual(['-42']);
    expect(traced(' 12ab ', ['$(var(v){s.int})', '$(var(v){s.trim}{s.int})'])).toEqual(['<null>', '<null>']);
    expect(traced('', ['$(var(v){s.int})'])).toEqual(['<null>']);
    const c = compile('route { $var(n) = "+7"; $var(r) = $(var(n){s.int}) + 1; trace("$var(r)"); }');
    c.run();
    expect(c.state.trace).toEqual(['8']);
  });

  it('s.strip / s.striptail remove n characters from the start / end; more than the length gives ""', () => {
    expect(traced('Hello World', ['$(var(v){s.strip,3})', '[$(var(v){s.strip,30})]', '$(var(v){s.strip,0})', '$(var(v){s.striptail,3})', '[$(var(v){s.striptail,11})]'])).toEqual([
      'lo World', '[]', 'Hello World', 'Hello Wo', '[]',
    ]);
    expect(traced('', ['[$(var(v){s.strip,1})]', '[$(var(v){s.striptail,1})]'])).toEqual(['[]', '[]']);
  });

  it('s.md5, s.sha256, s.encode.hexa / s.decode.hexa, base64, s.escape.common / s.unescape.common', () => {
    expect(traced('Hello World', ['$(var(v){s.md5})', '$(var(v){s.encode.hexa})', '$(var(v){s.encode.hexa}{s.decode.hexa})', '$(var(v){s.encode.base64}{s.decode.base64})'])).toEqual([
      'b10a8db164e0754105b7a99be72e3fe5', '48656c6c6f20576f726c64', 'Hello World', 'Hello World',
    ]);
    expect(traced('', ['$(var(v){s.md5})', '[$(var(v){s.encode.hexa})]', '$(var(v){s.sha256}{s.len})'])).toEqual(['d41d8cd98f00b204e9800998ecf8427e', '[]', '64']);
    expect(traced('abc', ['$(var(v){s.decode.hexa})'])).toEqual(['<null>']);
    const c = compile(`route { $var(q) = "say \\"hi\\" it's"; trace("$(var(q){s.escape.common})"); trace("$(var(q){s.escape.common}{s.unescape.common})"); }`);
    c.run();
    expect(c.state.trace).toEqual([`say \\"hi\\" it\\'s`, `say "hi" it's`]);
  });
});

describe('transformations: uri.*, param.*, nameaddr.*', () => {
  const uri = 'sip:alice:pw@[::1]:5070;transport=TCP;lr;foo=bar?X=1';

  it('uri parts as written; absent parts are "", a value that is no URI gives null', () => {
    expect(
      traced(uri, [
        '$(var(v){uri.user})', '$(var(v){uri.passwd})', '$(var(v){uri.host})', '$(var(v){uri.port})', '$(var(v){uri.params})',
        '[$(var(v){uri.param,lr})]', '$(var(v){uri.param,FOO})', '[$(var(v){uri.param,zz})]', '$(var(v){uri.transport})', '$(var(v){uri.headers})',
        '$(var(v){uri.scheme})',
      ]),
    ).toEqual(['alice', 'pw', '[::1]', '5070', 'transport=TCP;lr;foo=bar', '[]', 'bar', '[]', 'TCP', 'X=1', 'sip']);
    expect(traced('sips:example.com', ['[$(var(v){uri.user})]', '[$(var(v){uri.port})]', '[$(var(v){uri.params})]', '[$(var(v){uri.transport})]', '$(var(v){uri.host})'])).toEqual([
      '[]', '[]', '[]', '[]', 'example.com',
    ]);
    expect(traced('tel:+1-555;phone-context=x', ['$(var(v){uri.user})', '$(var(v){uri.param,phone-context})'])).toEqual(['+1-555', 'x']);
    for (const bad of ['Hello World', '', 'sip:', 'sip:a@b:port', 'sip:a@[::1', 'http://x']) expect(traced(bad, ['$(var(v){uri.host})'])).toEqual(['<null>']);
  });

  it('uri.port is an int when present, so arithmetic works', () => {
    const c = compile('route { $var(u) = "sip:a@b:5060"; $var(p) = $(var(u){uri.port}) + 1; trace("$var(p)"); }');
    c.run();
    expect(c.state.trace).toEqual(['5061']);
  });

  it('param.value / param.in / param.count / param.name / param.valueat, with another separator', () => {
    expect(
      traced('a=1;b;c=3;', [
        '$(var(v){param.value,a})', '[$(var(v){param.value,b})]', '[$(var(v){param.value,z})]', '$(var(v){param.count})',
        '$(var(v){param.name,1})', '$(var(v){param.valueat,2})', '$(var(v){param.name,-1})', '[$(var(v){param.name,7})]',
        '$(var(v){param.in,C})', '$(var(v){param.in,z})',
      ]),
    ).toEqual(['1', '[]', '[]', '3', 'b', '3', 'c', '[]', '1', '0']);
    expect(traced('x=1&y="a&b"', ['$(var(v){param.value,y,&})', '$(var(v){param.count,&})', '$(var(v){param.count,;})'])).toEqual(['"a&b"', '2', '1']);
    expect(traced('', ['$(var(v){param.count})', '[$(var(v){param.value,a})]'])).toEqual(['0', '[]']);
  });

  it('nameaddr.uri / name / len / params / param; addr-spec parameters belong to the header', () => {
    const na = '"Alice <A> Smith" <sip:alice@example.com;user=phone>;tag=123';
    expect(traced(na, ['$(var(v){nameaddr.uri})', '$(var(v){nameaddr.name})', '$(var(v){nameaddr.len})', '$(var(v){nameaddr.params})', '$(var(v){nameaddr.param,tag})', '$(var(v){nameaddr.uri}{uri.host})'])).toEqual([
      'sip:alice@example.com;user=phone', '"Alice <A> Smith"', '52', 'tag=123', '123', 'example.com',
    ]);
    expect(traced('sip:bob@example.org;tag=9', ['$(var(v){nameaddr.uri})', '[$(var(v){nameaddr.name})]', '$(var(v){nameaddr.param,tag})'])).toEqual(['sip:bob@example.org', '[]', '9']);
    expect(traced('Bob <sip:bob@b.org', ['$(var(v){nameaddr.uri})'])).toEqual(['<null>']);
    expect(traced('"unclosed <sip:x@y>', ['$(var(v){nameaddr.uri})'])).toEqual(['<null>']);
  });
});

describe('transformations: where they are used', () => {
  it('in expressions, conditions, function arguments, assignments, with an index, and on module pvs', () => {
    const c = compile(`route {
      $avp(x) = "first"; $avp(x) = "second!";
      if ($(avp(x)[1]{s.len}) == 5 && $(ru{uri.user}{s.toupper}) == "ALICE") trace($(avp(x){s.substr,0,6}));
      $var(h) = $(hdr(From){s.select,0,#});
      trace($var(h));
      trace("$(ru{uri.host}):$(ru{uri.port})");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['second', 'from', 'example.com:']);
  });

  it('arguments may be pseudo-variables, read per use (and may be transformed too)', () => {
    const c = compile(`route {
      $var(s) = "abcdef";
      $var(n) = 1;
      while ($var(n) < 4) { trace("$(var(s){s.substr,$var(n),$(var(s){s.strip,5}{s.len})})"); $var(n) = $var(n) + 1; }
    }`);
    c.run();
    expect(c.state.trace).toEqual(['b', 'c', 'd']);
  });

  it('pvAccessor and compileFormat (what modules use) take transformations', () => {
    const { symbols } = fakeSymbols();
    expect(pvAccessor('$(ru{uri.user})', symbols).get(newCtx())).toBe('alice');
    expect(pvAccessor('$(ru{uri.user})', symbols).set).toBeUndefined();
    expect(compileFormat('to $(ru{uri.host}{s.toupper})', symbols)(newCtx())).toBe('to EXAMPLE.COM');
    expect(() => pvAccessor('$(ru{uri.usr})', symbols)).toThrow(/unknown transformation \{uri.usr\}.*did you mean \{uri.user\}/);
  });

  it('covers every class the docs name', () => {
    const names = transformNames();
    for (const n of ['s.len', 's.substr', 's.select', 's.tolower', 's.toupper', 's.int', 's.strip', 's.striptail', 's.trim', 's.md5', 's.encode.hexa', 'uri.user', 'uri.host', 'uri.port', 'uri.param', 'uri.params', 'uri.transport', 'param.value', 'param.count', 'nameaddr.uri', 'nameaddr.name'])
      expect(names).toContain(n);
  });
});

describe('transformations: compile errors', () => {
  it('an unknown transformation is named with a suggestion and the place of its pseudo-variable', () => {
    expect(compileErrors('route {\n  trace("x $(ru{uri.hots})");\n  if ($(var(a){s.lenn}) > 1) exit;\n  trace($(var(a){zz.top}));\n}')).toEqual([
      'test.cfg:2:9: unknown transformation {uri.hots} in $(ru{uri.hots}) (hint: did you mean {uri.host}?)',
      'test.cfg:3:7: unknown transformation {s.lenn} in $(var(a){s.lenn}) (hint: did you mean {s.len}?)',
      'test.cfg:4:9: unknown transformation {zz.top} in $(var(a){zz.top}) (hint: transformations are s.*, uri.*, param.* and nameaddr.*)',
    ]);
  });

  it('wrong argument counts and kinds are reported with the usage', () => {
    expect(
      compileErrors('route {\n  trace($(var(a){s.substr,1}));\n  trace($(var(a){s.len,1}));\n  trace($(var(a){s.substr,x,1}));\n  trace($(var(a){s.select,1,ab}));\n  trace($(var(a){s.substr,0,-1}));\n  trace($(var(a){s.strip,-2}));\n  trace($(var(a){s.strip,$nope}));\n}'),
    ).toEqual([
      'test.cfg:2:9: {s.substr,1} in $(var(a){s.substr,1}): takes 2 arguments (hint: write {s.substr,offset,length})',
      'test.cfg:3:9: {s.len,1} in $(var(a){s.len,1}): takes no arguments (hint: write {s.len})',
      'test.cfg:4:9: {s.substr,x,1} in $(var(a){s.substr,x,1}): argument 1 must be an integer, found "x" (hint: write {s.substr,offset,length})',
      'test.cfg:5:9: {s.select,1,ab} in $(var(a){s.select,1,ab}): argument 2 must be one character, found "ab" (hint: write {s.select,index,separator})',
      'test.cfg:6:9: {s.substr,0,-1} in $(var(a){s.substr,0,-1}): length cannot be negative (0 means to the end) (hint: write {s.substr,offset,length})',
      'test.cfg:7:9: {s.strip,-2} in $(var(a){s.strip,-2}): count cannot be negative (hint: write {s.strip,count})',
      "test.cfg:8:9: unknown pseudo-variable $nope (hint: is the module that provides it loaded?)",
    ]);
  });

  it('a transformed pseudo-variable is read-only; an unterminated { is a syntax error', () => {
    expect(compileErrors('route {\n  $(var(a){s.len}) = 1;\n}')).toEqual(['test.cfg:2:3: pseudo-variable $(var(a){s.len}) is read-only (hint: it cannot be assigned)']);
    expect(compileErrors('route {\n  trace($(var(a){s.len);\n}')[0]).toBe("test.cfg:2:17: unterminated '{' in $(var");
  });
});
