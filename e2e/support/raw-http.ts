import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** The status line's code; 0 when the connection closed without an answer. */
  status: number;
  /** Everything the server sent before it closed (or before `settleMs` after the first byte). */
  text: string;
  /** Milliseconds from connecting to the first byte of the answer (or to the close). */
  ms: number;
  /** Bytes of the request the client had written when the answer came. */
  sentBytes: number;
  closed: boolean;
}

/**
 * One HTTP/1.1 request over a bare socket, for what fetch cannot do: send headers and only
 * part of a body, drip bytes slowly, or stop mid-body. `write` gets the socket once connected
 * and writes what it likes (it may keep writing after the answer began; writes then fail
 * quietly). Resolves once the server answered and `settleMs` passed, or closed.
 */
export function rawRequest(
  port: number,
  write: (socket: Socket, sent: (n: number) => void, answered: () => boolean) => void | Promise<void>,
  settleMs = 200,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let firstByteMs: number | null = null;
    let sentBytes = 0;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, ms: firstByteMs ?? performance.now() - started, sentBytes, closed });
    };
    socket.on('data', (data) => {
      if (firstByteMs === null) {
        firstByteMs = performance.now() - started;
        setTimeout(() => finish(false), settleMs);
      }
      text += data.toString('latin1');
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.once('connect', () => {
      void write(
        socket,
        (n) => (sentBytes += n),
        () => firstByteMs !== null || done,
      );
    });
  });
}

/** The head of a request with a body of `length` bytes (Content-Length), and `headers`. */
export function requestHead(method: string, path: string, length: number, headers: Record<string, string> = {}) {
  const lines = Object.entries({ host: '127.0.0.1', 'content-length': String(length), ...headers }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
