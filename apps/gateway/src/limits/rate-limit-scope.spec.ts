import { SHEET, WRITER } from '../zoho/zoho-products';
import { scopeOfRoute, zohoProductOfRoute } from './rate-limit-scope';

describe('scopeOfRoute', () => {
  it.each([
    ['/v1/documents', 'apiKey'],
    ['/v1/sessions/:sessionId', 'apiKey'],
    ['/v1/usage/export', 'apiKey'],
    ['/v1/admin/tenants', 'address'],
    ['/v1/admin/dead-letters/:deadLetterId/replay', 'address'],
    ['/s/:token/heartbeat', 'address'],
    ['/docs-json', 'address'],
    [undefined, 'address'],
    ['/writer/officeapi/v1/documents', 'zohoApiKey'],
    ['/sheet/officeapi/v1/spreadsheet', 'zohoApiKey'],
    ['/show/officeapi/v1/presentation/preview', 'zohoApiKey'],
    ['/api/v1/plan', 'zohoApiKey'],
    ['/healthz', 'none'],
    ['/readyz', 'none'],
    ['/metrics', 'none'],
    ['/wopi/files/:documentId', 'none'],
  ] as const)('%s spends the %s budget', (route, scope) => {
    expect(scopeOfRoute(route)).toBe(scope);
  });

  it("answers a Zoho route with its product's errors, the plan with Writer's", () => {
    expect(zohoProductOfRoute('/sheet/officeapi/v1/spreadsheet/session/:sessionId')).toBe(SHEET);
    expect(zohoProductOfRoute('/api/v1/plan')).toBe(WRITER);
    expect(zohoProductOfRoute('/writerx/officeapi/v1')).toBeNull();
  });
});
