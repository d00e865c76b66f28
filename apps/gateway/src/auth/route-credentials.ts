/**
 * What a route's requests must present, by the route's path as registered (`/v1/sessions/:sessionId`):
 * - `api-key`: every `/v1/*` route but the operator's (API.md: tenant auth);
 * - `admin-token`: `/v1/admin/*`;
 * - `session-token`: the session page's requests below `/s/:token/` (its beacons, content
 *   and save), whose token must at least be well-formed. The page itself (`GET /s/:token`)
 *   takes no body and answers an unknown token with a page of its own, so it is not here;
 *   WOPI routes check their token in their own scope (see wopi-routes.ts);
 * - `none`: probes, docs, and the adapters that authenticate in their own terms (Zoho).
 * The guards on the controllers say the same; route-credentials.spec.ts holds them to it.
 */
export type RouteCredential = 'api-key' | 'admin-token' | 'session-token' | 'none';

export function credentialOf(url: string | undefined): RouteCredential {
  if (!url) return 'none'; // no route matched: the 404 answer
  if (url.startsWith('/v1/admin/')) return 'admin-token';
  if (url.startsWith('/v1/')) return 'api-key';
  if (url.startsWith('/s/:token/')) return 'session-token';
  return 'none';
}
