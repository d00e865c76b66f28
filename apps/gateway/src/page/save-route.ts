import type { AppConfig } from '@docsession/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sendError } from '../http/error.filter';
import { PageSaves } from './page-saves';

/**
 * `PUT /s/{token}/content` takes the raw bytes of any content type, including JSON and text
 * that the app's parsers would otherwise parse (or refuse, mid-edit, as invalid). So it lives in
 * a Fastify scope of its own whose only body parser hands over the bytes, limited to
 * MAX_UPLOAD_BYTES (over it: 413 before the rest is read); every other route's parsing stays
 * as it is. The session is checked before any of the body is read. Registered before the app starts listening.
 */
export function registerSaveRoute(app: NestFastifyApplication, config: AppConfig): void {
  const saves = app.get(PageSaves);
  void app
    .getHttpAdapter()
    .getInstance()
    .register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.MAX_UPLOAD_BYTES }, (_req, body, done) =>
        done(null, body),
      );
      scope.setErrorHandler((err, _req, reply) => sendError(reply, err));
      // The session is looked up before the body is read: bytes nobody may save are never taken.
      scope.addHook<{ Params: { token: string } }>('onRequest', (req) => saves.admit(req.params.token));
      scope.put<{ Params: { token: string } }>('/s/:token/content', async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0); // no body at all: empty content
        const saved = await saves.save(req.params.token, body);
        return reply.status(200).header('cache-control', 'no-store').send(saved);
      });
    });
}
