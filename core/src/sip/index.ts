export { SipParseError } from './errors.js';
export { SipMessage, type BuildOptions } from './message.js';
export type { LineRenderer } from './edits.js';
export { type SipUri, parseUri, formatUri, uriHostPort } from './uri.js';
export { type NameAddr, type Contact, parseNameAddr, parseContact, nameAddrUri } from './nameaddr.js';
export { type Via, parseVia, setViaParam } from './via.js';
export { type ReplyOptions, buildReply } from './reply.js';
export { splitList } from './lists.js';
export {
  CANONICAL, COMPACT, canonicalName, headerId,
  H_OTHER, H_VIA, H_FROM, H_TO, H_CALL_ID, H_CSEQ, H_CONTACT, H_MAX_FORWARDS, H_CONTENT_LENGTH,
  H_CONTENT_TYPE, H_ROUTE, H_RECORD_ROUTE, H_EXPIRES,
} from './headers.js';
