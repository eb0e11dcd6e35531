import { defineModule, MI, str } from '@tsips/core';
import { HTTPD_API } from '@tsips/httpd';
import { miHttpHandler } from './handler.js';

export { miHttpHandler } from './handler.js';

const PATH_RE = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/**
 * mi_http (OpenSIPS mi_http): the Management Interface as JSON-RPC 2.0 over HTTP POST at
 * http://<httpd ip>:<httpd port>/<root>. `tsips-cli mi <cmd>` talks to it.
 */
export default defineModule({
  name: 'mi_http',
  doc: 'MI over HTTP: JSON-RPC 2.0',
  deps: ['httpd'],
  params: {
    root: str({
      default: 'mi',
      doc: 'path the MI answers on',
      validate: (v) => (PATH_RE.test(v) ? undefined : `expects a URL path such as "mi" (no leading or trailing "/"), got "${v}"`),
    }),
  },
  init(ctx) {
    ctx.resolve(HTTPD_API).mount(`/${ctx.params.root}`, miHttpHandler(ctx.resolve(MI)));
  },
});
