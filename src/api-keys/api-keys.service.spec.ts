import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { MemoryAuditEvents } from '../audit/memory-audit-events.fixture';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { RequestMeta } from '../common/http/request-meta';
import { MetricsService } from '../common/metrics/metrics.service';
import { loadConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { UserPrincipal } from '../security/principal';
import { KeyValueStore } from '../state/key-value.store';
import { MemoryKeyValueStore } from '../state/memory-key-value.store';
import { ApiKey } from './api-key.entity';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyNotActiveError, ApiKeyNotFoundError } from './api-key.errors';
import { apiKeySecretMatches, parseApiKey } from './api-key-format';
import { ApiKeyPepper } from './api-key-pepper';
import { ApiKeyRepository } from './api-key.repository';
import { apiKeyStatus } from './api-key.rules';
import { ApiKeysService } from './api-keys.service';
import { MemoryApiKeysTable } from './memory-api-keys.fixture';

const PEPPER = randomBytes(32).toString('base64url');
const NOW = Date.parse('2030-01-01T00:00:00Z');
const meta: RequestMeta = { ip: '203.0.113.7', userAgent: 'policy-spec', requestId: 'spec' };
const admin: UserPrincipal = {
  type: 'user',
  userId: '00000000-0000-4000-8000-000000000001',
  sessionId: 'session',
  roles: ['user', 'admin'],
  token: { jti: 'jti', iat: 0, exp: 0 },
};

/**
 * The real ApiKeysService and ApiKeyRepository on the memory store, with the api_keys and audit
 * tables in memory (the database is the one seam): no app boot, no mocks of our own classes.
 */
describe('ApiKeysService policy', () => {
  let module: TestingModule;
  let store: MemoryKeyValueStore;
  let table: MemoryApiKeysTable;
  let audit: MemoryAuditEvents;
  let service: ApiKeysService;

  beforeEach(async () => {
    store = new MemoryKeyValueStore();
    table = new MemoryApiKeysTable();
    audit = new MemoryAuditEvents();
    module = await Test.createTestingModule({
      providers: [
        { provide: APP_CONFIG, useValue: loadConfig({ NODE_ENV: 'test', API_KEY_PEPPER: PEPPER }) },
        { provide: KeyValueStore, useValue: store },
        { provide: getRepositoryToken(ApiKey), useValue: table },
        { provide: getRepositoryToken(AuditEvent), useValue: audit },
        MetricsService,
        BackgroundTasks,
        AuditService,
        ApiKeyRepository,
        ApiKeyPepper,
        ApiKeyCache,
        ApiKeysService,
      ],
    }).compile();
    await module.init();
    service = module.get(ApiKeysService);
  });

  afterEach(async () => {
    await module.close();
    store.close();
  });

  const settled = () => module.get(BackgroundTasks).settled();

  it('issues a key whose secret only the stored keyed hash matches', async () => {
    const issued = await service.create(
      { name: 'billing', scopes: ['metrics:read'] },
      admin,
      meta,
      NOW,
    );
    const parts = parseApiKey(issued.key);
    expect(parts).toMatchObject({ prefix: 'sk', keyId: issued.record.id });
    const stored = await service.get(issued.record.id);
    expect(stored).toMatchObject({
      name: 'billing',
      scopes: ['metrics:read'],
      createdById: admin.userId,
    });
    expect(stored.secretHash).not.toContain(parts!.secret);
    expect(apiKeySecretMatches(parts!.secret, stored.secretHash, PEPPER)).toBe(true);
    await settled();
    expect(audit.ofType('api_key.created')).toHaveLength(1);
    expect(audit.ofType('api_key.created')[0]).toMatchObject({
      actorType: 'user',
      actorId: admin.userId,
    });
  });

  it('refuses an expiry that is not in the future, and writes nothing', async () => {
    await expect(
      service.create({ name: 'late', expiresAt: new Date(NOW) }, admin, meta, NOW),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'expiresAt', problem: 'must be in the future' }],
    });
    expect(table.size).toBe(0);
  });

  it('rotates once: the successor copies the key, the old one ends with the grace', async () => {
    const expiresAt = new Date(NOW + 86_400_000);
    const old = await service.create(
      {
        name: 'sync',
        scopes: ['metrics:read'],
        expiresAt,
        rateLimit: { limit: 7, ttlSeconds: 30 },
      },
      admin,
      meta,
      NOW,
    );
    const next = await service.rotate(old.record.id, 300, admin, meta, NOW);
    expect(next.record.id).not.toBe(old.record.id);
    expect(next.record).toMatchObject({
      name: 'sync',
      scopes: ['metrics:read'],
      expiresAt,
      rateLimit: 7,
      rateLimitTtl: 30,
    });

    const rotated = await service.get(old.record.id);
    expect(rotated.replacedById).toBe(next.record.id);
    expect(apiKeyStatus(rotated, NOW + 299_999)).toBe('active');
    expect(apiKeyStatus(rotated, NOW + 300_000)).toBe('expired');

    // Still inside its grace, yet rotated already: 409, and no third key.
    await expect(service.rotate(old.record.id, 0, admin, meta, NOW)).rejects.toBeInstanceOf(
      ApiKeyNotActiveError,
    );
    expect(table.size).toBe(2);
    await settled();
    expect(audit.ofType('api_key.rotated')).toHaveLength(1);
  });

  it('refuses concurrent rotations of one key but one', async () => {
    const old = await service.create({ name: 'race' }, admin, meta, NOW);
    const results = await Promise.allSettled([
      service.rotate(old.record.id, 0, admin, meta, NOW),
      service.rotate(old.record.id, 0, admin, meta, NOW),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(table.size).toBe(2);
  });

  it('refuses to rotate a revoked or expired key (409) and an unknown one (404)', async () => {
    const revoked = await service.create({ name: 'gone' }, admin, meta, NOW);
    await service.revoke(revoked.record.id, admin, meta);
    await expect(service.rotate(revoked.record.id, 0, admin, meta, NOW)).rejects.toThrow(
      'it is revoked',
    );

    const expiring = await service.create(
      { name: 'old', expiresAt: new Date(NOW + 1_000) },
      admin,
      meta,
      NOW,
    );
    await expect(service.rotate(expiring.record.id, 0, admin, meta, NOW + 1_000)).rejects.toThrow(
      'it is expired',
    );

    await expect(service.rotate('0000000000000000', 0, admin, meta, NOW)).rejects.toBeInstanceOf(
      ApiKeyNotFoundError,
    );
    expect(table.size).toBe(2);
  });

  it('revokes idempotently: once recorded, again a no-op, unknown ids 404', async () => {
    const key = await service.create({ name: 'revoke me' }, admin, meta, NOW);
    await service.revoke(key.record.id, admin, meta);
    const revokedAt = (await service.get(key.record.id)).revokedAt;
    expect(revokedAt).toBeInstanceOf(Date);

    await expect(service.revoke(key.record.id, admin, meta)).resolves.toBeUndefined();
    expect((await service.get(key.record.id)).revokedAt).toEqual(revokedAt);
    await settled();
    expect(audit.ofType('api_key.revoked')).toHaveLength(1);

    await expect(service.revoke('0000000000000000', admin, meta)).rejects.toBeInstanceOf(
      ApiKeyNotFoundError,
    );
  });
});
