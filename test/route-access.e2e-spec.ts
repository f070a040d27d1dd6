import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { UNPREFIXED_ROUTES } from '../src/app.setup';
import { AUTH_METADATA, type AuthRequirements } from '../src/security/auth.decorator';
import { bearer, login, PASSWORD, register } from './support/accounts';
import { issueKey } from './support/api-keys';
import { AuthRulesFixtureModule } from './support/auth-rules.fixture';
import { createTestApp, type TestApp } from './support/test-app';

const RULES_ADMIN = 'rules-admin@example.com';

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

/** Roles speak to users, scopes to keys; a restricted route gives a type no rule: it is shut to it. */
function describeAccess(rules: AuthRequirements): string {
  if (rules.public) return 'public';
  const scoped = (rules.scopes?.length ?? 0) > 0;
  const restricted = rules.roles !== undefined || scoped;
  const callers = [
    rules.roles ? `user with role ${rules.roles.join('|')}` : restricted ? undefined : 'any user',
    !rules.apiKey
      ? undefined
      : scoped
        ? `API key with scope ${rules.scopes?.join('+')}`
        : restricted
          ? undefined
          : 'API key',
  ].filter((caller) => caller !== undefined);
  return callers.length > 0 ? callers.join(' or ') : 'nobody';
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

describe('what the guard decides for each kind of rule and caller', () => {
  let t: TestApp;
  const credentials: Record<string, [string, string]> = {};

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_EMAIL: RULES_ADMIN, ADMIN_PASSWORD: PASSWORD },
      imports: [AuthRulesFixtureModule],
    });
    const admin = await login(t, RULES_ADMIN);
    credentials.user = bearer((await register(t)).accessToken);
    credentials.admin = bearer(admin.accessToken);
    for (const [name, scopes] of [
      ['key', []],
      ['scoped key', ['metrics:read']],
    ] as const) {
      const { key } = await issueKey(t, admin.accessToken, { name, scopes });
      credentials[name] = ['x-api-key', key];
    }
  });
  afterAll(() => t.close());

  // route, then the status for: user, admin, key without scopes, key with metrics:read.
  const table: [string, number, number, number, number][] = [
    ['any-user', 200, 200, 401, 401],
    ['any-user-or-key', 200, 200, 200, 200],
    ['admin', 403, 200, 401, 401],
    ['admin-and-keys-without-scopes', 403, 200, 403, 403],
    ['admin-or-scoped-key', 403, 200, 403, 200],
    ['scoped-key-only', 403, 403, 403, 200],
  ];
  const cases = table.flatMap(([route, ...statuses]) =>
    (['user', 'admin', 'key', 'scoped key'] as const).map(
      (caller, i) => [route, caller, statuses[i]] as const,
    ),
  );

  it.each(cases)('%s, called with the %s credential: %i', async (route, caller, status) => {
    const res = await t
      .http()
      .get(`/api/v1/test/rules/${route}`)
      .set(...credentials[caller]);
    expect(res.status).toBe(status);
    if (status === 200) expect(res.body).toEqual({ ok: true });
    if (status === 403) expect(res.body).toMatchObject({ code: 'insufficient_scope' });
  });
});
