import { adminRoutes } from '../admin/admin.docs';
import { documentRoutes } from '../opens/documents.docs';
import { versionRoutes } from '../opens/versions.docs';
import { pageRoutes } from '../page/page.docs';
import { sessionRoutes } from '../sessions/sessions.docs';
import { usageRoutes } from '../usage/usage.docs';
import { wopiRoutes } from '../wopi/wopi.docs';
import { zohoRoutes } from '../zoho/zoho.docs';
import { probeRoutes } from './probes.docs';
import type { RouteDoc } from './route-doc';

/**
 * Every route the gateway answers, as its OpenAPI document describes it. A new route's
 * `RouteDoc` goes into its area's `*.docs.ts` (see route-doc.ts for how), and that list here.
 */
export const GATEWAY_ROUTES: readonly RouteDoc[] = [
  ...documentRoutes,
  ...versionRoutes,
  ...sessionRoutes,
  ...usageRoutes,
  ...adminRoutes,
  ...pageRoutes,
  ...wopiRoutes,
  ...zohoRoutes,
  ...probeRoutes,
];

/**
 * Routes the gateway registers that the document leaves out on purpose, each with why.
 * `path` is as Fastify registers it (`:param`, `*`); HEAD routes of GET routes are implied.
 */
export const UNDOCUMENTED_ROUTES: readonly { method: string; path: string; reason: string }[] = [
  { method: 'GET', path: '/docs', reason: 'the UI of this document' },
  { method: 'GET', path: '/docs/', reason: 'the UI of this document' },
  { method: 'GET', path: '/docs/index.html', reason: 'the UI of this document' },
  { method: 'GET', path: '/docs/*', reason: "the UI's static files" },
  { method: 'GET', path: '/docs/LICENSE', reason: "the UI's licence" },
  { method: 'GET', path: '/docs/swagger-ui-init.js', reason: "the UI's start-up script" },
  { method: 'GET', path: '/docs/docs/swagger-ui-init.js', reason: "the UI's start-up script, relative to /docs/" },
  { method: 'GET', path: '/docs-json', reason: 'this document' },
  { method: 'GET', path: '/docs-yaml', reason: 'this document, as YAML' },
];

/**
 * Whole trees of routes the document leaves out, by the path they start with: what a
 * third-party UI registers for itself beside its documented entry page.
 */
export const UNDOCUMENTED_PREFIXES: readonly { prefix: string; reason: string }[] = [
  {
    prefix: '/admin/queues/',
    reason: "Bull Board's own pages, API and static files, behind the same token as /admin/queues",
  },
];
