import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { UNPREFIXED_ROUTES } from '../src/app.setup';
import { AUTH_METADATA, type AuthRequirements } from '../src/auth/decorators/auth.decorator';
import { createTestApp, type TestApp } from './support/test-app';

interface RouteAccess {
  route: string;
  access: string;
}

/** Every route of the app with who may reach it, read from the same metadata the guard reads. */
function routeTable(t: TestApp): RouteAccess[] {
  const discovery = t.app.get(DiscoveryService);
  const reflector = t.app.get(Reflector);
  const rows: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (!controller) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((p) => p && p !== '/').join('/')}`;
      const rules =
        reflector.getAllAndOverride<AuthRequirements | undefined>(AUTH_METADATA, [
          handler,
          controller,
        ]) ?? {};
      rows.push({ route: `${method} ${path}`, access: describeAccess(rules) });
    }
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route));
}

function describeAccess(rules: AuthRequirements): string {
  if (rules.public) return 'public';
  const user = rules.roles ? `user with role ${rules.roles.join('|')}` : 'any user';
  const apiKey = rules.apiKey
    ? ` or API key${rules.scopes?.length ? ` with scope ${rules.scopes.join('+')}` : ''}`
    : '';
  return user + apiKey;
}

describe('who may reach which route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [DiscoveryModule] });
  });
  afterAll(() => t.close());

  // A change to this snapshot is a permission change: review it as one.
  it('matches the reviewed permission table', () => {
    const table = routeTable(t)
      .map(({ route, access }) => `${route.padEnd(48)} ${access}`)
      .join('\n');
    expect(`\n${table}\n`).toMatchSnapshot();
  });

  it('refuses every non-public route without a credential (deny by default)', async () => {
    const prefixFree = new Set(UNPREFIXED_ROUTES.map((path) => `/${path}`));
    for (const { route, access } of routeTable(t)) {
      if (access === 'public') continue;
      const [method, path] = route.split(' ');
      const url = (prefixFree.has(path) ? path : `/api/v1${path}`).replace(
        /:id/g,
        '00000000-0000-4000-8000-000000000000',
      );
      const res = await t
        .http()
        [method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url)
        .send({});
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
    }
  });
});
