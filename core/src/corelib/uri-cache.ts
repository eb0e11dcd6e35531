import { parseUri, type SipUri } from '../sip/uri.js';

/**
 * Parsed URIs by their text, for pseudo-variables that read URI parts ($rU, $fd ...): a route
 * reads the same few URIs many times per message. Parsing is a pure function of the text, so
 * one bounded memo serves every server in the process; cleared whole when full. Callers must
 * not change the objects (editRuri parses its own copy).
 */
const MAX_ENTRIES = 1024;
const memo = new Map<string, SipUri>();

export function cachedUri(text: string): SipUri {
  let u = memo.get(text);
  if (u === undefined) {
    u = parseUri(text);
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(text, u);
  }
  return u;
}
