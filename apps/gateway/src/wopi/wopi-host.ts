import { DomainError, ErrorCode, SessionRpc, type WopiAccess, type WopiLockOperation } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { SessionTokens } from '../opens/session-tokens';
import { PageSaves } from '../page/page-saves';
import { checkFileInfo } from './check-file-info';
import { putFileConditions, wopiLockHeaders } from './wopi-headers';
import { asWopiAccessError, WopiNotImplemented } from './wopi-replies';
import { WopiProofs } from './wopi-proofs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** X-WOPI-Override values of the lock operations on POST /wopi/files/{id} (LOCK with X-WOPI-OldLock: UnlockAndRelock). */
const LOCK_OVERRIDES: Record<string, WopiLockOperation> = {
  LOCK: 'lock',
  GET_LOCK: 'get',
  REFRESH_LOCK: 'refresh',
  UNLOCK: 'unlock',
};

interface Authorized {
  token: string;
  documentId: string;
  access: WopiAccess;
}

const header = (req: FastifyRequest, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The WOPI endpoints (API.md "Editors (WOPI host)"). Every request is first authorized, before
 * its body is read: its proof (when the editor publishes keys), the document id, and the access
 * token — the session's bearer token, looked up by its hash as the page does, which also counts
 * as the session's presence. The rules behind each operation are the session context's: a
 * PutFile is a save through the one save path (PageSaves → DocumentSaves) with the WOPI
 * preconditions checked under the document's lock; locks are its rows.
 */
@Injectable()
export class WopiHost {
  private readonly authorized = new WeakMap<FastifyRequest, Authorized>();
  private readonly postMessageOrigin: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly saves: PageSaves,
    private readonly proofs: WopiProofs,
  ) {
    this.postMessageOrigin = new URL(config.PUBLIC_URL).origin;
  }

  /** The onRequest step of every WOPI route. */
  async authorize(req: FastifyRequest): Promise<void> {
    const query = req.query as Record<string, unknown>;
    const token = typeof query.access_token === 'string' ? query.access_token : '';
    await this.proofs.check(req, token);
    const documentId = (req.params as { documentId?: string }).documentId ?? '';
    if (!UUID.test(documentId)) throw new DomainError(ErrorCode.NotFound, 'No such file.');
    if (!SessionTokens.looksValid(token)) {
      throw new DomainError(ErrorCode.Unauthorized, 'The access token does not grant access to this file.');
    }
    const access = await this.sessions.call(SessionRpc.WopiAccess, {
      tokenHash: SessionTokens.hashOf(token),
      documentId,
    });
    this.authorized.set(req, { token, documentId, access });
  }

  /** GET /wopi/files/{id}: CheckFileInfo. */
  async checkFileInfo(req: FastifyRequest, reply: FastifyReply) {
    const { access } = this.of(req);
    return reply.status(200).send(checkFileInfo(access, this.postMessageOrigin));
  }

  /** GET /wopi/files/{id}/contents: GetFile. */
  async getFile(req: FastifyRequest, reply: FastifyReply) {
    const { file } = this.of(req).access;
    const maxExpected = header(req, 'x-wopi-maxexpectedsize');
    if (maxExpected !== undefined && /^\d+$/.test(maxExpected) && file.sizeBytes > Number(maxExpected)) {
      return reply.status(412).send();
    }
    const stream = await this.blobs.read(file.documentId);
    if (!stream) throw new DomainError(ErrorCode.Gone, 'The document content was removed.');
    return reply
      .status(200)
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(file.sizeBytes))
      .header('x-wopi-itemversion', String(file.version))
      .send(stream);
  }

  /** POST /wopi/files/{id}/contents with X-WOPI-Override: PUT — PutFile, a save like the page's. */
  async putFile(req: FastifyRequest, reply: FastifyReply) {
    const { token, documentId, access } = this.of(req);
    if (header(req, 'x-wopi-override') !== 'PUT') throw new WopiNotImplemented('This override');
    if (access.session.mode !== 'edit') {
      throw new DomainError(ErrorCode.Unauthorized, 'This session is view only: it cannot save.');
    }
    const length = Number(header(req, 'content-length') ?? 0);
    if (length > this.config.MAX_UPLOAD_BYTES) {
      throw new DomainError(
        ErrorCode.PayloadTooLarge,
        `The file is larger than ${this.config.MAX_UPLOAD_BYTES} bytes.`,
      );
    }
    const conditions = putFileConditions(req.headers, documentId);
    const body = req.body instanceof Readable ? req.body : Buffer.alloc(0);
    try {
      const saved = await this.saves.save(token, body, conditions);
      return reply
        .status(200)
        .header('x-wopi-itemversion', String(saved.version))
        .send({ LastModifiedTime: saved.saved_at });
    } catch (err) {
      throw asWopiAccessError(err);
    }
  }

  /** POST /wopi/files/{id}: the lock operations; any other override is not implemented. */
  async fileOperation(req: FastifyRequest, reply: FastifyReply) {
    const { token, documentId } = this.of(req);
    const override = header(req, 'x-wopi-override') ?? '';
    const operation = Object.hasOwn(LOCK_OVERRIDES, override) ? LOCK_OVERRIDES[override]! : null;
    if (!operation) throw new WopiNotImplemented(`X-WOPI-Override ${override || '(none)'}`);
    const { lock, oldLock } = wopiLockHeaders(req.headers, operation);
    const result = await this.sessions.call(SessionRpc.WopiLock, {
      tokenHash: SessionTokens.hashOf(token),
      documentId,
      operation: operation === 'lock' && oldLock !== undefined ? 'relock' : operation,
      lock,
      oldLock,
    });
    if (!result.ok) {
      return reply
        .status(409)
        .header('x-wopi-lock', result.lock)
        .header('x-wopi-lockfailurereason', 'Lock mismatch')
        .send();
    }
    reply.status(200).header('x-wopi-itemversion', String(result.version));
    if (operation === 'get') reply.header('x-wopi-lock', result.lock);
    return reply.send();
  }

  private of(req: FastifyRequest): Authorized {
    const found = this.authorized.get(req);
    if (!found) throw new Error('WOPI request handled without its onRequest authorization');
    return found;
  }
}
