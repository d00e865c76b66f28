import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathsObject,
  RequestBodyObject,
  ResponseObject,
} from '@nestjs/swagger';
import type { z } from 'zod';
import { zohoErrorSchema } from '../zoho/zoho-errors';
import { errorReplies, rateLimitHeaders } from './error-replies';
import { AUTH, SECURITY_SCHEMES, TAGS, type Content, type ReplyDoc, type RouteDoc } from './route-doc';
import { SchemaCatalog, type DocumentedExample } from './schema-catalog';

export interface GeneratedDocument {
  document: OpenAPIObject;
  /** Every example the document shows, with the schema it belongs to (checked by a test). */
  examples: DocumentedExample[];
}

/**
 * The OpenAPI document of the gateway, generated from its routes' descriptions and the
 * zod schemas they name. Served at /docs-json and /docs.
 */
export function generateOpenApi(routes: readonly RouteDoc[], publicUrl: string): GeneratedDocument {
  const catalog = new SchemaCatalog();
  const paths: PathsObject = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is described twice.`);
    item[route.method] = operationOf(route, catalog);
  }
  const document: OpenAPIObject = {
    openapi: '3.0.3',
    info: {
      title: 'docsession',
      version: '1',
      description:
        'Upload a document, open browser sessions on it (each open is one billable call) and follow its usage. ' +
        'The content is kept only while a session is open. Errors always have the body of the `Error` schema.',
    },
    servers: [{ url: publicUrl }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: structuredClone(SECURITY_SCHEMES) as NonNullable<OpenAPIObject['components']>['securitySchemes'],
      schemas: catalog.components,
    },
  };
  return { document, examples: catalog.examples };
}

function operationOf(route: RouteDoc, catalog: SchemaCatalog): OperationObject {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const access = AUTH[route.auth];
  const parameters: ParameterObject[] = [
    ...parametersOf(route.params, 'path', catalog, where),
    ...parametersOf(route.query, 'query', catalog, where),
    ...parametersOf(route.headers, 'header', catalog, where),
  ];
  const successes = Object.fromEntries(
    Object.entries(route.replies).map(([status, reply]) => [
      status,
      replyOf(access.rateLimited ? withRateLimitHeaders(reply) : reply, catalog, `${where} ${status}`),
    ]),
  );
  const errorBody = 'errorBody' in access ? zohoErrorSchema : undefined;
  const operation: OperationObject = {
    tags: [route.tag],
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description && { description: route.description }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && { requestBody: requestBodyOf(route.body, catalog, where) }),
    // A reply the route describes itself (a 404 page, a 503 readiness body) wins over the envelope.
    responses: { ...errorReplies([...access.errors, ...(route.errors ?? [])], catalog, errorBody), ...successes },
  };
  if (access.schemes.length > 0) operation.security = access.schemes.map((scheme) => ({ [scheme]: [] }));
  return operation;
}

function parametersOf(
  object: z.ZodObject | undefined,
  place: 'path' | 'query' | 'header',
  catalog: SchemaCatalog,
  where: string,
): ParameterObject[] {
  if (!object) return [];
  return catalog.fieldsOf(object, 'input', `${where} ${place}`).map(({ required, ...field }) => ({
    in: place,
    // OpenAPI: a path parameter is always required.
    required: place === 'path' || required,
    ...field,
  }));
}

function contentOf(content: Content, io: 'input' | 'output', catalog: SchemaCatalog, where: string) {
  return Object.fromEntries(
    Object.entries(content).map(([type, schema]) => [
      type,
      { schema: catalog.schemaOf(schema, io, `${where} ${type}`) },
    ]),
  );
}

function requestBodyOf(body: RouteDoc['body'] & object, catalog: SchemaCatalog, where: string): RequestBodyObject {
  return {
    required: body.required,
    ...(body.description && { description: body.description }),
    content: contentOf(body.content, 'input', catalog, `${where} body`),
  };
}

function withRateLimitHeaders(reply: ReplyDoc): ReplyDoc {
  return { ...reply, headers: reply.headers ? reply.headers.extend(rateLimitHeaders.shape) : rateLimitHeaders };
}

function replyOf(reply: ReplyDoc, catalog: SchemaCatalog, where: string): ResponseObject {
  return {
    description: reply.description,
    ...(reply.headers && { headers: catalog.headersOf(reply.headers, where) }),
    ...(reply.content && { content: contentOf(reply.content, 'output', catalog, where) }),
  };
}
