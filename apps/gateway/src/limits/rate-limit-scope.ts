import { SHEET, SHOW, WRITER, type ZohoProduct } from '../zoho/zoho-products';

/**
 * Whose budget a request spends:
 * - `apiKey`: the tenant routes (`/v1/*` but admin), by the key in Authorization or X-API-Key;
 * - `zohoApiKey`: Zoho's routes, by the key in the `apikey` query parameter (a key in a form
 *   field is in the body, which the limit does not wait for: such a request spends its address's);
 * - `address`: everything else a client can send (the session page `/s/`, the operator API,
 *   the document, unknown paths), by the client's address;
 * - `none`: the probes and metrics, which a load balancer or scraper must always get through, and the WOPI routes,
 *   which one editor server calls for every user of every document (one address for all).
 */
export type RateLimitScope = 'apiKey' | 'zohoApiKey' | 'address' | 'none';

const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);
const ZOHO_PLAN = '/api/v1/plan';
const ZOHO_PRODUCTS: readonly ZohoProduct[] = [WRITER, SHEET, SHOW];

/** The scope of a route, by the path Fastify matched (undefined: no route matched). */
export function scopeOfRoute(route: string | undefined): RateLimitScope {
  if (route === undefined) return 'address';
  if (UNLIMITED.has(route) || route.startsWith('/wopi/')) return 'none';
  if (route.startsWith('/v1/admin/') || route === '/v1/admin') return 'address';
  if (route.startsWith('/v1/')) return 'apiKey';
  if (zohoProductOfRoute(route)) return 'zohoApiKey';
  return 'address';
}

/** The Zoho product whose errors a Zoho route answers with (the plan API uses Writer's), or null. */
export function zohoProductOfRoute(route: string): ZohoProduct | null {
  if (route === ZOHO_PLAN || route.startsWith(`${ZOHO_PLAN}/`)) return WRITER;
  return ZOHO_PRODUCTS.find((p) => route === p.base || route.startsWith(`${p.base}/`)) ?? null;
}
