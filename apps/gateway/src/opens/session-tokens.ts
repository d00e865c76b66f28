import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';

/** 256 bits in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The token in `document_url`, as a path parameter (any other string names no session: 404). */
export const sessionTokenSchema = z
  .string()
  .regex(TOKEN)
  .meta({ description: 'The bearer secret of document_url (≥ 128 random bits, base64url).' });

/**
 * The browser's bearer secret for a session: an HMAC of the session id under the
 * server's SECRET_KEY (256 bits, base64url). Only its hash is stored; the gateway can
 * show `document_url` again on every read without the token being kept anywhere.
 */
export class SessionTokens {
  constructor(private readonly secretKey: string) {}

  tokenOf(sessionId: string): string {
    return createHmac('sha256', this.secretKey).update(`session:${sessionId}`).digest('base64url');
  }

  static hashOf(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** A string that could be a token; anything else is unknown without asking anyone. */
  static looksValid(token: string): boolean {
    return TOKEN.test(token);
  }
}
