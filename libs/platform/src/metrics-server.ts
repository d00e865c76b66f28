import { createServer, type Server } from 'node:http';
import { register } from 'prom-client';

/**
 * `/metrics` on a port of its own, without the operator token: for a gateway whose main port
 * faces the internet while Prometheus scrapes it over a private network (METRICS_PORT).
 */
export async function serveMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
