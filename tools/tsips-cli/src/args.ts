/**
 * Turning `tsips-cli mi <cmd> [args...]` words into JSON-RPC params, the opensips-cli way:
 * if every word is `name=value` they form a named-params object, otherwise they are
 * positional strings; commands whose MI parameter is an array get the words from a given
 * index packed into one array (opensips-cli's static table).
 */

/** command → index of the first word packed into the array, and the array param's name */
export const ARRAY_PARAMS: Readonly<Record<string, { index: number; name: string }>> = {
  get_statistics: { index: 0, name: 'statistics' },
  list_statistics: { index: 0, name: 'statistics' },
  reset_statistics: { index: 0, name: 'statistics' },
  'statistics:get': { index: 0, name: 'statistics' },
  'statistics:list': { index: 0, name: 'statistics' },
  'statistics:reset': { index: 0, name: 'statistics' },
  trace_start: { index: 0, name: 'filter' },
  raise_event: { index: 1, name: 'params' },
  'evi:raise': { index: 1, name: 'params' },
  fs_subscribe: { index: 1, name: 'events' },
  fs_unsubscribe: { index: 1, name: 'events' },
  b2b_trigger_scenario: { index: 1, name: 'scenario_params' },
  dlg_push_var: { index: 2, name: 'DID' },
};

const NAMED_RE = /^([A-Za-z.\-_]+)=/;

export type MiParamsOut = unknown[] | Record<string, unknown>;

/** With -j a value that parses as JSON is sent as that JSON, anything else as a string. */
function value(word: string, json: boolean): unknown {
  if (!json) return word;
  try {
    return JSON.parse(word) as unknown;
  } catch {
    return word;
  }
}

/** Split like a POSIX shell: whitespace separates words, quotes group, backslash escapes. */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in "${line}"`);
  if (inWord) words.push(cur);
  return words;
}

/** The params for one call: a named object if every word is `name=value`, else an array. */
export function buildParams(cmd: string, words: readonly string[], opts: { json?: boolean } = {}): MiParamsOut {
  const json = opts.json ?? false;
  const packed = ARRAY_PARAMS[cmd];
  if (words.every((w) => NAMED_RE.test(w))) {
    const named: Record<string, unknown> = {};
    for (const w of words) {
      const eq = w.indexOf('=');
      const name = w.slice(0, eq);
      const raw = w.slice(eq + 1);
      if (packed?.name === name) {
        const parsed = value(raw, json);
        named[name] = Array.isArray(parsed) ? parsed : shellSplit(raw).map((x) => value(x, json));
      } else named[name] = value(raw, json);
    }
    return named;
  }
  const positional = words.map((w) => value(w, json));
  if (!packed) return positional;
  const head = positional.slice(0, packed.index);
  const rest = positional.slice(packed.index);
  return rest.length > 0 ? [...head, rest] : head;
}
