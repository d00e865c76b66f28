import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { summarize } from './stats';

/** One open request as the driver sends it; `headers` must not set Idempotency-Key (the driver does). */
export interface OpenRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadSettings {
  /** Closed loop: this many keep-alive connections, each sending its next request when the last answered. */
  connections: number;
  warmupSeconds: number;
  measuredSeconds: number;
  /** Called when the measured window opens and when it closes (e.g. to account CPU over it). */
  window?: { opened(): void; closed(): void };
}

export interface LoadResult {
  /** Successful opens (201, or the route's own success status) answered within the measured window, per second. */
  opensPerSecond: number;
  opens: number;
  latency: ReturnType<typeof summarize>;
  /** Other answers (and network errors, as status 0) in the measured window. */
  failures: Map<number, number>;
}

/**
 * The project's way of measuring the open path: a closed-loop driver over `connections`
 * keep-alive connections, a fresh Idempotency-Key on every request, a warm-up whose answers
 * are not counted, then a measured window. Only answers that arrive inside the window count,
 * so requests in flight when it starts or ends neither inflate nor deflate the rate.
 */
export async function driveOpens(
  port: number,
  next: () => OpenRequest,
  settings: LoadSettings,
  /** What a successful open answers: 201, or 200 on Zoho's routes. */
  successStatus = 201,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: settings.connections });
  const measuredFrom = performance.now() + settings.warmupSeconds * 1000;
  const until = measuredFrom + settings.measuredSeconds * 1000;
  const latencies: number[] = [];
  const failures = new Map<number, number>();
  const timers = settings.window
    ? [
        setTimeout(settings.window.opened, measuredFrom - performance.now()),
        setTimeout(settings.window.closed, until - performance.now()),
      ]
    : [];
  const record = (status: number, started: number) => {
    const now = performance.now();
    if (now < measuredFrom || now > until) return;
    if (status === successStatus) latencies.push(now - started);
    else failures.set(status, (failures.get(status) ?? 0) + 1);
  };
  try {
    await Promise.all(
      Array.from({ length: settings.connections }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          record(await send(agent, port, next()), started);
        }
      }),
    );
  } finally {
    timers.forEach(clearTimeout);
    agent.destroy();
  }
  return {
    opensPerSecond: latencies.length / settings.measuredSeconds,
    opens: latencies.length,
    latency: summarize(latencies),
    failures,
  };
}

/** The answer's status once its body was read; 0 for a network error. */
function send(agent: Agent, port: number, open: OpenRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: open.path,
        headers: { ...open.headers, 'idempotency-key': randomUUID(), 'content-length': open.body.length },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', () => resolve(0));
      },
    );
    req.once('error', () => resolve(0));
    req.end(open.body);
  });
}

/** The standard open: a JSON body whose `content_base64` is 4 KiB of base64 (3 KiB of document). */
export function jsonOpen(apiKey: string): () => OpenRequest {
  const body = Buffer.from(
    JSON.stringify({ content_base64: Buffer.alloc(3 * 1024, 'a').toString('base64'), document: { name: 'bench.txt' } }),
  );
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  return () => ({ path: '/v1/documents', headers, body });
}
