import { apiToken, defineModule, int, str } from '@tsips/core';
import { HttpServer, type HttpdApi } from './server.js';

export type { HttpdApi, HttpHandler } from './server.js';

/** Resolve in your module's `init` (declare `deps: ['httpd']`) and mount a path on it. */
export const HTTPD_API = apiToken<HttpdApi>('httpd');

/**
 * httpd (OpenSIPS httpd): the one embedded HTTP server. Other modules mount paths on it
 * in their `init` (mi_http → /mi, prometheus → /metrics); it starts listening in child init,
 * once every mount is known. Bound to loopback by default (OpenSIPS binds "*").
 */
export default defineModule({
  name: 'httpd',
  doc: 'embedded HTTP server other modules mount on',
  params: {
    ip: str({ default: '127.0.0.1', doc: 'address to bind; "*" binds every address' }),
    port: int({ default: 8888, min: 0, max: 65535, doc: '0 = any free port (tests)' }),
    post_buf_size: int({ default: 1024 * 1024, min: 1, unit: 'bytes', doc: 'largest request body accepted (413 above)' }),
  },
  init(ctx) {
    const server = new HttpServer({ ip: ctx.params.ip, port: ctx.params.port, maxBody: ctx.params.post_buf_size, log: ctx.log });
    ctx.provide(HTTPD_API, server);
    return server;
  },
  async childInit(_ctx, server) {
    await server.listen();
  },
  async destroy(server) {
    await server.close();
  },
});
