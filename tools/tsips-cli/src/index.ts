export { main, DEFAULT_URL, type Io } from './main.js';
export { buildParams, shellSplit, ARRAY_PARAMS, type MiParamsOut } from './args.js';
export { miCall, MiRpcError, MiTransportError, type CallOptions } from './client.js';
export { formatResult, OUTPUT_TYPES, type OutputType } from './output.js';
