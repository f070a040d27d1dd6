import { randomUUID } from 'node:crypto';
import { scriptContract, type TestClock } from '../../state/script-contract.fixture';
import { RefreshSessionStore } from '../../tokens/refresh-session.store';
import type { RefreshTokenCodec } from '../../tokens/refresh-token';
import { testRefreshTokenCodec } from '../../tokens/refresh-token-codec.fixture';
import {
  ADDRESS_MEMORY_MS,
  DEVICE_MEMORY_MS,
  KnownClients,
  MAX_ADDRESSES,
  MAX_DEVICES,
} from './known-clients';

const DAY = 24 * 3600 * 1000;

/**
 * The rules of known clients (docs/security.md → Device cookies): devices and addresses of an
 * account's successful logins, capped and aged, belonging to the credential generation they were
 * written under, added in one atomic step. Held against memory and Redis.
 */
export const knownClientsContract = scriptContract(
  'KnownClients',
  ['known-clients-remember'],
  (current) => {
    let codec: RefreshTokenCodec;
    let clock: TestClock;
    let clients: KnownClients;
    let sessions: RefreshSessionStore;
    beforeAll(async () => {
      codec = await testRefreshTokenCodec();
    });
    beforeEach(() => {
      const made = current();
      clock = made.clock;
      clients = new KnownClients(made.store);
      sessions = new RefreshSessionStore(made.store, codec);
    });

    it('knows the device and address of a login under the current generation, and no others', async () => {
      const userId = randomUUID();
      const now = clock.now();
      await expect(
        clients.remember(
          'a@example.com',
          { userId, generation: 0 },
          { ip: '192.0.2.1', deviceId: 'dev-1' },
          now,
        ),
      ).resolves.toBe(true);
      await expect(
        clients.familiarity('a@example.com', '192.0.2.1', 'dev-1', now),
      ).resolves.toEqual({ device: true, address: true });
      await expect(
        clients.familiarity('a@example.com', '192.0.2.2', 'dev-2', now),
      ).resolves.toEqual({ device: false, address: false });
      await expect(
        clients.familiarity('b@example.com', '192.0.2.1', 'dev-1', now),
      ).resolves.toEqual({ device: false, address: false });
    });

    it('forgets everything when the generation moves on, and starts again under the new one', async () => {
      const userId = randomUUID();
      const now = clock.now();
      const owner0 = { userId, generation: 0 };
      await clients.remember('a@example.com', owner0, { ip: '192.0.2.1', deviceId: 'old' }, now);
      await sessions.newGeneration(userId);
      await expect(clients.familiarity('a@example.com', '192.0.2.1', 'old', now)).resolves.toEqual({
        device: false,
        address: false,
      });
      const owner1 = { userId, generation: 1 };
      await clients.remember('a@example.com', owner1, { ip: '192.0.2.9', deviceId: 'new' }, now);
      await expect(clients.familiarity('a@example.com', '192.0.2.9', 'new', now)).resolves.toEqual({
        device: true,
        address: true,
      });
      await expect(clients.familiarity('a@example.com', '192.0.2.1', 'old', now)).resolves.toEqual({
        device: false,
        address: false,
      });
    });

    it('leaves a newer generation’s record alone when a login of an older one finishes late', async () => {
      const userId = randomUUID();
      const now = clock.now();
      await sessions.newGeneration(userId);
      await clients.remember('a@example.com', { userId, generation: 1 }, { ip: '192.0.2.1' }, now);
      await expect(
        clients.remember('a@example.com', { userId, generation: 0 }, { ip: '192.0.2.2' }, now),
      ).resolves.toBe(false);
      await expect(
        clients.familiarity('a@example.com', '192.0.2.1', undefined, now),
      ).resolves.toEqual({ device: false, address: true });
      await expect(
        clients.familiarity('a@example.com', '192.0.2.2', undefined, now),
      ).resolves.toEqual({ device: false, address: false });
    });

    it('keeps the most recently used devices and addresses, up to their caps', async () => {
      const userId = randomUUID();
      const owner = { userId, generation: 0 };
      const start = clock.now();
      const count = Math.max(MAX_DEVICES, MAX_ADDRESSES) + 1;
      for (let i = 0; i < count; i += 1)
        await clients.remember(
          'a@example.com',
          owner,
          { ip: `192.0.2.${i}`, deviceId: `dev-${i}` },
          start + i * 1000,
        );
      const now = start + count * 1000;
      const known = async (i: number) =>
        clients.familiarity('a@example.com', `192.0.2.${i}`, `dev-${i}`, now);
      const seen = await Promise.all(Array.from({ length: count }, (_, i) => known(i)));
      expect(seen.filter((f) => f.device)).toHaveLength(MAX_DEVICES);
      expect(seen.filter((f) => f.address)).toHaveLength(MAX_ADDRESSES);
      expect(seen[count - 1]).toEqual({ device: true, address: true });
      expect(seen[0]).toEqual({ device: false, address: false });
    });

    it('forgets an address after its memory span and a device after its own', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const owner = { userId, generation: 0 };
      await clients.remember('a@example.com', owner, { ip: '192.0.2.1', deviceId: 'd' }, start);
      const at = (ms: number) => clients.familiarity('a@example.com', '192.0.2.1', 'd', start + ms);
      await expect(at(ADDRESS_MEMORY_MS - DAY)).resolves.toEqual({ device: true, address: true });
      await expect(at(ADDRESS_MEMORY_MS)).resolves.toEqual({ device: true, address: false });
      await expect(at(DEVICE_MEMORY_MS)).resolves.toEqual({ device: false, address: false });
      // A login after the address was forgotten drops it from the record, and keeps the device.
      await clock.advance(ADDRESS_MEMORY_MS);
      const later = start + ADDRESS_MEMORY_MS;
      await clients.remember('a@example.com', owner, { ip: '192.0.2.7' }, later);
      await expect(clients.familiarity('a@example.com', '192.0.2.1', 'd', later)).resolves.toEqual({
        device: true,
        address: false,
      });
    });

    it('replaces the record of an email that now belongs to another account', async () => {
      const now = clock.now();
      const first = { userId: randomUUID(), generation: 0 };
      const second = { userId: randomUUID(), generation: 0 };
      await clients.remember('a@example.com', first, { ip: '192.0.2.1' }, now);
      await clients.remember('a@example.com', second, { ip: '192.0.2.2' }, now);
      await expect(
        clients.familiarity('a@example.com', '192.0.2.1', undefined, now),
      ).resolves.toEqual({ device: false, address: false });
      await expect(
        clients.familiarity('a@example.com', '192.0.2.2', undefined, now),
      ).resolves.toEqual({ device: false, address: true });
    });

    it('loses no client of many concurrent logins', async () => {
      const owner = { userId: randomUUID(), generation: 0 };
      const now = clock.now();
      const ips = Array.from({ length: 10 }, (_, i) => `198.51.100.${i}`);
      await Promise.all(
        ips.map((ip, i) =>
          clients.remember('a@example.com', owner, { ip, deviceId: `d${i}` }, now),
        ),
      );
      for (const [i, ip] of ips.entries())
        await expect(clients.familiarity('a@example.com', ip, `d${i}`, now)).resolves.toEqual({
          device: true,
          address: true,
        });
    });
  },
);
