import type { MiRegistry } from '@tsips/core';
import type { HttpHandler } from '@tsips/httpd';

/**
 * The mi_http request handler: POST only (405 otherwise), a non-empty body (400), one
 * JSON-RPC request answered with 200 + JSON (errors included), 202 for a notification.
 */
export function miHttpHandler(mi: Pick<MiRegistry, 'handleBody'>): HttpHandler {
  return async (req, res, body) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed: MI takes JSON-RPC 2.0 requests by POST\n');
      return;
    }
    if (body.length === 0) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad Request: empty body\n');
      return;
    }
    const reply = await mi.handleBody(body.toString('utf8'));
    if (reply.body === undefined) {
      res.writeHead(reply.status, { 'Content-Length': '0' });
      res.end();
      return;
    }
    res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(reply.body)) });
    res.end(reply.body);
  };
}
