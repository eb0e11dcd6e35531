/** The MSRP codec: stream framing, frame parser, builders, URI parser. */
export { MsrpStreamFramer, createMsrpFramer, FRAMING_ERRORS, MAX_MSG_SIZE } from './framing.js';
export { MsrpFrame, parseMsrp, splitPath, PARSE_ERRORS } from './parser.js';
export { buildResponse, buildRequest, buildReport, relayFrame, relayFrameParts, type RequestParts } from './builder.js';
export { parseMsrpUri, type MsrpUri } from './uri.js';
export { isIdent } from './chars.js';
