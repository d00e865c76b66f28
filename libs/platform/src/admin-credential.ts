import type { IncomingHttpHeaders } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The operator's credential for the gateway's operator pages (`/metrics`, `/admin/queues`):
 * `Authorization: Bearer <ADMIN_TOKEN>`, or HTTP Basic with the token as the password (any
 * user name), so that a browser's login prompt or a Prometheus `basic_auth` can send it.
 * Compared in constant time (digests of equal length).
 */
export class AdminCredential {
  private readonly expected: Buffer;

  constructor(adminToken: string) {
    this.expected = digest(adminToken);
  }

  matches(headers: IncomingHttpHeaders): boolean {
    const presented = presentedAdminToken(headers.authorization);
    return presented !== null && timingSafeEqual(digest(presented), this.expected);
  }
}

/** The token of a Bearer header, or the password of a Basic one. */
export function presentedAdminToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}
