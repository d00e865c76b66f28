import 'reflect-metadata';
import { GUARDS_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import { GatewayAppModule } from '../gateway-app.module';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';
import { credentialOf } from './route-credentials';

/** Each controller route as Fastify registers it (`/v1/sessions/:sessionId`), with its class's guards. */
function controllerRoutes(): { url: string; guards: unknown[] }[] {
  const controllers: Type[] = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, GatewayAppModule);
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
    const methods = Object.getOwnPropertyNames(controller.prototype)
      .map((name) => controller.prototype[name] as unknown)
      .filter((fn): fn is object => typeof fn === 'function' && Reflect.hasMetadata(METHOD_METADATA, fn));
    return methods.map((fn) => {
      const path = String(Reflect.getMetadata(PATH_METADATA, fn) ?? '/');
      const url = `/${[base, path]
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      return { url, guards: [...guards, ...(Reflect.getMetadata(GUARDS_METADATA, fn) ?? [])] };
    });
  });
}

describe('the credential each route asks for before its body is read', () => {
  const routes = controllerRoutes();

  it('is the one its controller’s guard checks', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const { url, guards } of routes) {
      const expected = guards.includes(AdminGuard)
        ? 'admin-token'
        : guards.includes(ApiKeyGuard)
          ? 'api-key'
          : url.startsWith('/s/:token/')
            ? 'session-token'
            : 'none';
      expect({ url, credential: credentialOf(url) }).toEqual({ url, credential: expected });
    }
  });

  it('covers the routes of API.md', () => {
    expect(credentialOf('/v1/documents')).toBe('api-key');
    expect(credentialOf('/v1/usage/export')).toBe('api-key');
    expect(credentialOf('/v1/admin/tenants')).toBe('admin-token');
    expect(credentialOf('/s/:token/heartbeat')).toBe('session-token');
    expect(credentialOf('/s/:token/content')).toBe('session-token');
    expect(credentialOf('/s/:token')).toBe('none'); // the page answers an unknown token with a page
    expect(credentialOf('/healthz')).toBe('none');
    expect(credentialOf(undefined)).toBe('none');
  });
});
