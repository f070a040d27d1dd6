import fc from 'fast-check';
import { bearer, login, PASSWORD, register, type SignedIn } from './support/accounts';
import { issueKey } from './support/api-keys';
import { rawRequest, type RawAnswer } from './support/raw-http';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Every operation of the served OpenAPI document gets generated and mutated bodies, query
 * strings, path parameters and headers, with and without valid credentials, and must never
 * answer 5xx (no dependency is taken down here, so 503 is a failure too).
 *
 * Reproducible: the seed is fixed (FUZZ_SEED overrides it) and a failure prints the seed, the
 * path to the shrunk counterexample and the request. FUZZ_RUNS sets the runs per operation.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 100);
const ADMIN_EMAIL = 'fuzz-admin@example.com';

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

/** One generated request, before credentials are filled in. */
interface Draft {
  pathParams: Record<string, string>;
  query: string;
  body: Buffer | undefined;
  contentType: string | undefined;
  credential: 'none' | 'admin' | 'user' | 'apiKey';
  credentialMangle: 'as-is' | 'garbage' | 'duplicate' | 'both-schemes' | 'wrong-scheme';
  extraHeaders: Record<string, string | string[]>;
}

const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '😀',
  'İ'.repeat(160),
  `${'x'.repeat(64)}@${`${'İ'.repeat(15)}.`.repeat(8)}com`,
  'x'.repeat(5_000),
  '%00',
  '%FF',
  '../../etc/passwd',
  "' OR 1=1 --",
  '\\',
  '%',
  '_',
  '__proto__',
  'constructor',
  '0',
  '-1',
  '1e400',
  '100000000000000000000',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[object Object]',
  '2027-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  'sk_aaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
];

const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  1e20,
  -1e20,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  2 ** 63,
  4_102_444_800_000,
];

/** Deep nesting, built as text: the body stays small while the depth grows. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 30, max: 5_000 }), kind: fc.constantFrom('[', '{"a":') })
  .map(({ depth, kind }) => `${kind.repeat(depth)}1${(kind === '[' ? ']' : '}').repeat(depth)}`);

const unicodeString = fc.string({ unit: 'binary', maxLength: 300 });
const anyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  unicodeString,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ maxLength: 40 }),
);

/** A JSON value of any type, hostile more often than not. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.constantFrom<unknown>(...NASTY_NUMBERS, true, false, null),
    fc.double(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value that fits the schema, the way a correct client would send it. */
function validValue(schema: Schema, schemas: Record<string, Schema>): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, schemas);
  if (resolved.enum !== undefined) return fc.constantFrom(...resolved.enum);
  switch (resolved.type) {
    case 'string':
      if (resolved.format === 'date-time')
        return fc
          .integer({ min: 1, max: 10 * 365 })
          .map((days) => new Date(Date.UTC(2030, 0, days)).toISOString());
      if (resolved.example !== undefined) return fc.constant(resolved.example);
      return fc.string({ minLength: 1, maxLength: Math.min(resolved.maxLength ?? 40, 40) });
    case 'integer':
    case 'number':
      return fc.integer({ min: resolved.minimum ?? 0, max: resolved.maximum ?? 1_000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(resolved.items ?? {}, schemas), { maxLength: 2 });
    case 'object':
    default: {
      const properties = resolved.properties ?? {};
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, child]) => [name, validValue(child, schemas)]),
        ),
        { requiredKeys: resolved.required ?? [] },
      );
    }
  }
}

function resolve(schema: Schema, schemas: Record<string, Schema>): Schema {
  if (schema.$ref !== undefined) return resolve(schemas[schema.$ref.split('/').pop()!], schemas);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0], schemas);
  return schema;
}

/** A valid body with some fields replaced, added or removed; or a hostile body outright. */
function bodyOf(op: Operation, schemas: Record<string, Schema>): fc.Arbitrary<Buffer | undefined> {
  const valid = op.body === undefined ? fc.constant({}) : validValue(op.body, schemas);
  const fields = Object.keys(
    op.body === undefined ? {} : (resolve(op.body, schemas).properties ?? {}),
  );
  const mutated = fc
    .tuple(
      valid,
      fc.array(
        fc.tuple(
          fields.length > 0 ? fc.oneof(fc.constantFrom(...fields), anyString) : anyString,
          hostileValue,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([base, changes]) => {
      const body: Record<string, unknown> =
        base !== null && typeof base === 'object' ? { ...(base as Record<string, unknown>) } : {};
      for (const [field, value] of changes) body[field] = value;
      return Buffer.from(JSON.stringify(body));
    });
  const deepField = fc
    .tuple(fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('x'), deepJson)
    .map(([field, deep]) => Buffer.from(`{${JSON.stringify(field)}:${deep}}`));
  const rawBytes = fc
    .tuple(mutated, fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat())
    .map(([text, bytes, at]) => {
      const cut = at % (text.length + 1);
      return Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]);
    });
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((value) => Buffer.from(JSON.stringify(value))) },
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: deepField },
    { weight: 1, arbitrary: deepJson.map((text) => Buffer.from(text)) },
    { weight: 2, arbitrary: rawBytes },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        Buffer.from(''),
        Buffer.from('{'),
        Buffer.from('null'),
        Buffer.from('"text"'),
        Buffer.from('[]'),
        Buffer.from('{"__proto__":{"isAdmin":true}}'),
        Buffer.from('{"constructor":{"prototype":{"isAdmin":true}}}'),
        Buffer.from('\ufeff{}'),
      ),
    },
    { weight: 1, arbitrary: hostileValue.map((value) => Buffer.from(JSON.stringify(value) ?? '')) },
  );
}

/** Percent-encoded as a client would, or raw escapes that do not decode. */
const queryText = fc.oneof(
  anyString.map((text) => encodeURIComponent(toWellFormed(text))),
  fc.constantFrom('%FF', '%ED%A0%80', '%E2%82', '%00', '%', '%%', '+', '%2', '1e400', '-0'),
  fc.constantFrom(...NASTY_NUMBERS).map(String),
);

function queryOf(op: Operation): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const name = declared.length > 0 ? fc.oneof(fc.constantFrom(...declared), queryText) : queryText;
  return fc
    .array(fc.tuple(name, queryText), { maxLength: 4 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
}

/** Node's client refuses characters a header value may not hold; everything else goes. */
const headerText = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  })
  .filter((text) => !/[\u007f]/.test(text));

function toWellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\ufffd');
}

function draftOf(op: Operation, schemas: Record<string, Schema>): fc.Arbitrary<Draft> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  return fc.record({
    pathParams: fc.record(
      Object.fromEntries(
        pathNames.map((name) => [
          name,
          fc.oneof(
            fc.constant('{known}'),
            fc.constant('{KNOWN}'),
            fc.uuid(),
            queryText,
            fc.constantFrom('..', '.', '%2F', 'x'.repeat(3_000)),
          ),
        ]),
      ),
    ),
    query: queryOf(op),
    body:
      op.method === 'get' || op.method === 'delete'
        ? fc.option(bodyOf(op, schemas)).map((b) => b ?? undefined)
        : bodyOf(op, schemas),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          undefined,
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'APPLICATION/JSON',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json, text/plain',
        ),
      },
    ),
    credential: fc.constantFrom('none', 'admin', 'admin', 'user', 'apiKey'),
    credentialMangle: fc.oneof(
      { weight: 6, arbitrary: fc.constant('as-is' as const) },
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'garbage' as const,
          'duplicate' as const,
          'both-schemes' as const,
          'wrong-scheme' as const,
        ),
      },
    ),
    extraHeaders: fc.dictionary(
      fc.constantFrom(
        'x-auth-mode',
        'cookie',
        'x-forwarded-for',
        'x-request-id',
        'user-agent',
        'origin',
        'accept',
        'accept-encoding',
        'x-api-key',
        'authorization',
      ),
      fc.oneof(headerText, fc.array(headerText, { minLength: 2, maxLength: 3 })),
      { maxKeys: 3 },
    ),
  });
}

describe('fuzzing every documented operation', () => {
  let t: TestApp;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  let admin: SignedIn;
  let user: SignedIn;
  let apiKey: { id: string; key: string };

  const restore = async () => {
    // Runs may disable the user, end sessions or revoke the key: put everything back.
    admin = await login(t, ADMIN_EMAIL);
    await t
      .http()
      .patch(`/api/v1/admin/users/${user.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ disabled: false, roles: ['user'] })
      .expect(200);
    user = await login(t, user.email);
    apiKey = await issueKey(t, admin.accessToken, {
      name: 'fuzz',
      scopes: ['metrics:read', 'health:read'],
    });
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD } });
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body as OpenApiDocument;
    schemas = doc.components.schemas;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, spec]) => ({
        method,
        path,
        parameters: spec.parameters ?? [],
        body: spec.requestBody?.content['application/json']?.schema,
      })),
    );
    user = await register(t);
    await restore();
  });
  afterAll(() => t.close());

  const send = (op: Operation, draft: Draft): Promise<RawAnswer> => {
    const known: Record<string, string> = {
      '/api/v1/admin/users/{id}': user.userId,
      '/api/v1/admin/users/{id}/logout-all': user.userId,
      '/api/v1/admin/api-keys/{id}': apiKey.id,
      '/api/v1/admin/api-keys/{id}/rotate': apiKey.id,
    };
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = draft.pathParams[name] ?? '';
      if (value === '{known}') return known[op.path] ?? 'unknown';
      if (value === '{KNOWN}') return (known[op.path] ?? 'unknown').toUpperCase();
      return value;
    });
    const headers: Record<string, string | string[]> = { ...draft.extraHeaders };
    const token =
      draft.credential === 'admin'
        ? admin.accessToken
        : draft.credential === 'user'
          ? user.accessToken
          : undefined;
    const credentialHeader: [string, string] | undefined =
      token !== undefined
        ? ['authorization', `Bearer ${token}`]
        : draft.credential === 'apiKey'
          ? ['x-api-key', apiKey.key]
          : undefined;
    if (credentialHeader !== undefined) {
      const [name, value] = credentialHeader;
      switch (draft.credentialMangle) {
        case 'as-is':
          headers[name] = value;
          break;
        case 'garbage':
          headers[name] = `${value.slice(0, -3)}xyz`;
          break;
        case 'duplicate':
          headers[name] = [value, value];
          break;
        case 'both-schemes':
          headers.authorization = `Bearer ${admin.accessToken}`;
          headers['x-api-key'] = apiKey.key;
          break;
        case 'wrong-scheme':
          headers[name === 'authorization' ? 'x-api-key' : 'authorization'] = value;
          break;
      }
    }
    if (draft.contentType !== undefined && draft.body !== undefined)
      headers['content-type'] = draft.contentType;
    return rawRequest(t, {
      method: op.method.toUpperCase(),
      path: draft.query === '' ? path : `${path}?${draft.query}`,
      headers,
      body: draft.body,
    });
  };

  it('answers no generated request with 5xx', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    // Not only refusals: with valid credentials, generated requests must get past the guards.
    const reachedHandler = new Map<string, number>();
    const changesState = (op: Operation) => op.method !== 'get';

    for (const op of operations) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      await fc.assert(
        fc.asyncProperty(draftOf(op, schemas), async (draft) => {
          const res = await send(op, draft).catch((error: Error) => {
            throw new Error(`${name}: the request failed: ${error.message}`);
          });
          // Only an accepted change can have ended a session, disabled the user or revoked the key.
          if (changesState(op) && res.status < 300) await restore();
          if (res.status !== 401 && res.status !== 403)
            reachedHandler.set(name, (reachedHandler.get(name) ?? 0) + 1);
          if (res.status >= 500) {
            throw new Error(
              `${name} answered ${res.status}: ${res.text.slice(0, 300)}\n` +
                `request: ${JSON.stringify({ ...draft, body: draft.body?.toString('latin1').slice(0, 300) })}`,
            );
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true, verbose: 1 },
      );
    }
    const unreached = operations
      .map((op) => `${op.method.toUpperCase()} ${op.path}`)
      .filter((name) => (reachedHandler.get(name) ?? 0) === 0);
    expect(unreached).toEqual([]);
  });
});
