import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { UNDOCUMENTED_PREFIXES, UNDOCUMENTED_ROUTES } from '../apps/gateway/src/docs/gateway-routes';
import { api } from './support/api';
import { e2eState } from './support/state';

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** `/v1/documents/:documentId` and `/v1/documents/{document_id}` both become `/v1/documents/{}`. */
const shape = (path: string) => path.replace(/:[^/]+/g, '{}').replace(/\{[^}]+\}/g, '{}');

/** Every route the built gateway registers (apps/gateway/src/list-routes.ts), as `METHOD /path`. */
function registeredRoutes(): Promise<string[]> {
  const script = resolve(__dirname, '..', 'apps', 'gateway', 'dist', 'list-routes.js');
  return new Promise((done, fail) => {
    execFile(process.execPath, [script], { env: e2eState().env }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`list-routes failed: ${stderr}`));
      done(JSON.parse(stdout) as string[]);
    });
  });
}

describe('the served OpenAPI document and the routes the gateway registers', () => {
  let registered: string[];
  let documented: string[];

  beforeAll(async () => {
    registered = await registeredRoutes();
    const served = await api('GET', '/docs-json');
    expect(served.status).toBe(200);
    const paths = served.body.paths as Record<string, Record<string, unknown>>;
    documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  });

  const excludedRoutes = new Set(UNDOCUMENTED_ROUTES.map((r) => `${r.method} ${r.path}`));
  const underExcludedPrefix = (route: string) =>
    UNDOCUMENTED_PREFIXES.some((p) => route.split(' ')[1].startsWith(p.prefix));
  const excluded = { has: (route: string) => excludedRoutes.has(route) || underExcludedPrefix(route) };
  const isImplied = (route: string, all: string[]) =>
    route.startsWith('HEAD ') && all.includes(route.replace(/^HEAD /, 'GET '));

  it('documents every registered route, except those excluded with a reason', () => {
    const shapes = new Set(documented.map(shapeOf));
    const undocumented = registered.filter(
      (route) => !excluded.has(route) && !isImplied(route, registered) && !shapes.has(shapeOf(route)),
    );
    expect(undocumented).toEqual([]);
  });

  it('documents no route that is not registered', () => {
    const shapes = new Set(registered.map(shapeOf));
    expect(documented.filter((route) => !shapes.has(shapeOf(route)))).toEqual([]);
    expect(documented.length).toBeGreaterThan(20);
  });

  it('excludes only routes that exist', () => {
    expect([...excludedRoutes].filter((route) => !registered.includes(route))).toEqual([]);
    for (const { prefix } of UNDOCUMENTED_PREFIXES) {
      expect({ prefix, routes: registered.some((r) => r.split(' ')[1].startsWith(prefix)) }).toEqual({
        prefix,
        routes: true,
      });
    }
  });
});

function shapeOf(route: string): string {
  const [method, path] = route.split(' ');
  return `${method} ${shape(path)}`;
}
