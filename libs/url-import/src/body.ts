import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Deadline } from './deadline';
import { networkError, tooLargeError } from './errors';

/**
 * Wraps a response body so the caller's sink sees an error instead of unbounded data: too_large once more
 * than maxBytes flowed (Content-Length can be absent or chunked), timeout when the deadline passes, and
 * network when the connection drops early. Destroying the returned stream releases the connection.
 */
export function limitBody(res: IncomingMessage, maxBytes: number, deadline: Deadline): Readable {
  let received = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > maxBytes) callback(tooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
  res.on('error', (err) => body.destroy(networkError(err)));
  // A response cut short may close without an 'error'; never let the sink mistake it for a complete file.
  res.on('close', () => {
    if (!res.complete) body.destroy(networkError(Object.assign(new Error(), { code: 'ECONNRESET' })));
  });
  body.on('close', () => {
    deadline.clear();
    res.destroy();
  });
  deadline.onExpiry((err) => body.destroy(err));
  res.pipe(body);
  return body;
}
