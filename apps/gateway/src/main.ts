import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { bootstrapService } from '@docsession/platform';
import { SwaggerModule } from '@nestjs/swagger';
import { openApiDocument } from './docs/openapi';
import { GatewayAppModule } from './gateway-app.module';
import { ContractErrorFilter } from './http/error.filter';
import { registerSaveRoute } from './page/save-route';

void bootstrapService({
  service: 'gateway',
  module: GatewayAppModule,
  port: (c) => c.PORT,
  // A base64 body is 4/3 of the document, plus room for the options around it.
  fastify: (c) => ({ bodyLimit: Math.ceil((c.MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024, trustProxy: true }),
  configure: async (app, c) => {
    await app.register(multipart, {
      // One byte over the limit, so the blob store sees the overflow and refuses it.
      limits: { fileSize: c.MAX_UPLOAD_BYTES + 1, files: 1, fields: 4, fieldSize: 64 * 1024, parts: 5 },
    });
    const fastify = app.getHttpAdapter().getInstance();
    // API answers describe state that changes at any moment: never cache them.
    fastify.addHook('onSend', async (_req, reply, payload) => {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    });
    app.useGlobalFilters(new ContractErrorFilter());
    registerSaveRoute(app, c);
    SwaggerModule.setup('docs', app, openApiDocument(c.PUBLIC_URL), { jsonDocumentUrl: 'docs-json' });
  },
});
