/**
 * Script regexes are POSIX extended and case-insensitive (`=~`, 'regex' arguments). JavaScript
 * regexes understand the extended syntax except bracket classes such as `[[:digit:]]`, which
 * are rewritten here. Throws a SyntaxError for a pattern JavaScript cannot compile.
 */
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
  word: '\\w',
};

export function scriptRegex(pattern: string): RegExp {
  const source = pattern.replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  return new RegExp(source, 'i');
}

/** A per-call-site matcher for patterns known only at run time; recompiles only on change. */
export function dynamicRegex(): (pattern: string) => RegExp {
  let last: string | undefined;
  let re: RegExp = /$^/;
  return (pattern) => {
    if (pattern !== last) {
      re = scriptRegex(pattern);
      last = pattern;
    }
    return re;
  };
}
