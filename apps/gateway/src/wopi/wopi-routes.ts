import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WopiHost } from './wopi-host';
import { sendWopiError } from './wopi-replies';

const FILE = '/wopi/files/:documentId';

/**
 * The WOPI routes live in a Fastify scope of their own: authorization runs as an onRequest step
 * (before any body is read), PutFile's body reaches the handler unread so that it streams into
 * the blob store (limited to MAX_UPLOAD_BYTES there), and errors are answered the way WOPI
 * clients read them (see wopi-replies.ts). Registered before the app starts listening.
 */
export function registerWopiRoutes(app: NestFastifyApplication): void {
  const host = app.get(WopiHost);
  void app
    .getHttpAdapter()
    .getInstance()
    .register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      scope.setErrorHandler((err, _req, reply) => sendWopiError(reply, err));
      scope.addHook('onRequest', (req) => host.authorize(req));
      scope.get(FILE, (req, reply) => host.checkFileInfo(req, reply));
      scope.get(`${FILE}/contents`, (req, reply) => host.getFile(req, reply));
      scope.post(`${FILE}/contents`, (req, reply) => host.putFile(req, reply));
      scope.post(FILE, (req, reply) => host.fileOperation(req, reply));
    });
}
