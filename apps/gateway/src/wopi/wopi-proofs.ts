import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EditorDiscovery } from './editor-discovery';
import { verifyProof, type ProofInput } from './proof-keys';
import { wopiBaseUrl } from './wopi-base-url';

/** A WOPI request whose proof does not verify: the protocol answers 500, and nothing changes. */
export class WopiProofError extends Error {
  constructor(reason: string) {
    super(`WOPI proof refused: ${reason}`);
    this.name = 'WopiProofError';
  }
}

const header = (req: FastifyRequest, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Checks that a WOPI request comes from the configured editor (proof keys, X-WOPI-Proof). The URL
 * signed is the one the editor called: WOPI_BASE_URL and the request's path and query as sent.
 * With no editor configured there is nothing to check against; with one configured whose
 * discovery could not be read yet, nothing can be trusted and every request is refused.
 */
@Injectable()
export class WopiProofs {
  private readonly base: string;

  constructor(
    private readonly discovery: EditorDiscovery,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.base = wopiBaseUrl(config);
  }

  async check(req: FastifyRequest, token: string): Promise<void> {
    if (!this.discovery.configured) return;
    const input: ProofInput = {
      token,
      url: `${this.base}${req.url}`,
      timestamp: header(req, 'x-wopi-timestamp'),
      proof: header(req, 'x-wopi-proof'),
      proofOld: header(req, 'x-wopi-proofold'),
    };
    let verdict = this.verdict(input);
    if (verdict === 'valid') return;
    if (verdict === 'stale') throw new WopiProofError('timestamp older than 20 minutes');
    // The editor may have rotated its keys since discovery was read: read it again, once.
    if (await this.discovery.refetchAfterFailedProof()) verdict = this.verdict(input);
    if (verdict !== 'valid') throw new WopiProofError('signature does not verify');
  }

  private verdict(input: ProofInput) {
    const keys = this.discovery.proofKeys();
    if (keys === null) return 'valid' as const; // the editor publishes no proof key
    return keys === 'unknown' ? ('invalid' as const) : verifyProof(keys, input, Date.now());
  }
}
