import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one dependency (Redis, RabbitMQ, PostgreSQL) of one process, so a
 * test can take that dependency away from it alone: `cut()` drops every connection and refuses
 * new ones (the server is gone), `blackhole()` keeps connections open but lets nothing through
 * (the server hangs), `restore()` forwards again.
 */
export class FaultProxy {
  private mode: 'forward' | 'cut' | 'blackhole' = 'forward';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    let proxy!: FaultProxy;
    const server = createServer((client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  static through(url: string, proxy: FaultProxy): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    return u.toString();
  }

  cut(): void {
    this.mode = 'cut';
    for (const socket of this.sockets) socket.destroy();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Forwards again; connections that lost bytes in a blackhole are dropped, so their clients reconnect cleanly. */
  restore(): void {
    if (this.mode === 'blackhole') for (const socket of this.sockets) socket.destroy();
    this.mode = 'forward';
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'cut') return void client.destroy();
    const upstream = connect(port, host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk) => {
        if (this.mode === 'forward') to.write(chunk);
      });
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
    }
  }
}
