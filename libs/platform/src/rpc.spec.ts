import { SessionRpc, type TokenRef } from '@docsession/contracts';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { ZodError } from 'zod';
import { RpcHandler } from './rpc';

const tokenHash = 'a'.repeat(64);

class PageHandlers {
  readonly seen: TokenRef[] = [];

  @RpcHandler(SessionRpc.PageClose)
  close(request: TokenRef) {
    this.seen.push(request);
    return { ok: true } as const;
  }
}

describe('RpcHandler', () => {
  it('registers the method for its pattern', () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, PageHandlers.prototype.close)).toEqual([SessionRpc.PageClose]);
  });

  it('hands the method the request as the map schema parsed it', () => {
    const handlers = new PageHandlers();
    const close = handlers.close as (data: unknown) => unknown;
    expect(close.call(handlers, { tokenHash, extra: 'dropped' })).toEqual({ ok: true });
    expect(handlers.seen).toEqual([{ tokenHash }]);
  });

  it('refuses an invalid request before the method runs', () => {
    const handlers = new PageHandlers();
    const close = handlers.close as (data: unknown) => unknown;
    expect(() => close.call(handlers, { tokenHash: 'not-a-hash' })).toThrow(ZodError);
    expect(() => close.call(handlers, undefined)).toThrow(ZodError);
    expect(handlers.seen).toEqual([]);
  });
});
