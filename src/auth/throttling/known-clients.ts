import { Injectable } from '@nestjs/common';
import { sha256 } from '../../common/crypto/sha256';
import { KeyValueStore, type AtomicScript } from '../../state/key-value.store';
import { tokenKeys } from '../../tokens/token-keys';

/** A remembered address is forgotten 30 days after its last successful login. */
export const ADDRESS_MEMORY_MS = 30 * 24 * 3600 * 1000;
/** A device is forgotten a year after its last successful login (the cookie's lifetime). */
export const DEVICE_MEMORY_MS = 365 * 24 * 3600 * 1000;
/** At most this many devices per account; a new one pushes out the one unused the longest. */
export const MAX_DEVICES = 10;
/** At most this many remembered addresses per account, likewise. */
export const MAX_ADDRESSES = 20;

/**
 * What the store keeps per canonical email (JSON): the account it belongs to, the credential
 * generation it was written under (token-keys.ts), and the devices (by device id) and addresses
 * (by SHA-256 of the IP) that signed in, each with the time of its last successful login.
 */
interface ClientRecord {
  uid: string;
  gen: number;
  d: Record<string, number>;
  a: Record<string, number>;
}

/**
 * KEYS: the email's record. ARGV: user id, generation, now ms, device id or '', address hash,
 * device cap, address cap, device max age ms, address max age ms. Adds the client to the record
 * of `generation`, the one the login's session was opened under: a record of an earlier
 * generation is replaced (what it held was forgotten by a reset, change, disable, role removal
 * or logout-all), and one of a later generation is left alone (a login that raced that change
 * must not bring its client back). Answers whether the client was added.
 */
const rememberClient: AtomicScript<boolean> = {
  name: 'known-clients-remember',
  lua: `
    local raw = redis.call('GET', KEYS[1])
    local gen = tonumber(ARGV[2])
    local now = tonumber(ARGV[3])
    local r = nil
    if raw then r = cjson.decode(raw) end
    if r and r.uid == ARGV[1] and tonumber(r.gen) > gen then return 0 end
    if not r or r.uid ~= ARGV[1] or tonumber(r.gen) < gen then
      r = { uid = ARGV[1], gen = gen, d = {}, a = {} }
    end
    if type(r.d) ~= 'table' then r.d = {} end
    if type(r.a) ~= 'table' then r.a = {} end
    local function trim(t, cap, maxAge)
      local n = 0
      for k, v in pairs(t) do
        if now - v >= maxAge then t[k] = nil else n = n + 1 end
      end
      while n > cap do
        local oldest, at = nil, nil
        for k, v in pairs(t) do
          if at == nil or v < at or (v == at and k < oldest) then oldest, at = k, v end
        end
        t[oldest] = nil
        n = n - 1
      end
    end
    if ARGV[4] ~= '' then r.d[ARGV[4]] = now end
    r.a[ARGV[5]] = now
    trim(r.d, tonumber(ARGV[6]), tonumber(ARGV[8]))
    trim(r.a, tonumber(ARGV[7]), tonumber(ARGV[9]))
    local ttl = math.max(tonumber(ARGV[8]), tonumber(ARGV[9]))
    redis.call('SET', KEYS[1], cjson.encode(r), 'PX', ttl)
    return 1`,
  memory: (
    store,
    [key],
    [uid, genText, nowText, device, address, deviceCap, addressCap, deviceAge, addressAge],
  ) => {
    const raw = store.get(key);
    const gen = Number(genText);
    const now = Number(nowText);
    let record = raw === null ? null : (JSON.parse(raw) as ClientRecord);
    if (record !== null && record.uid === uid && record.gen > gen) return false;
    if (record === null || record.uid !== uid || record.gen < gen)
      record = { uid, gen, d: {}, a: {} };
    if (device !== '') record.d[device] = now;
    record.a[address] = now;
    record.d = trim(record.d, now, Number(deviceCap), Number(deviceAge));
    record.a = trim(record.a, now, Number(addressCap), Number(addressAge));
    store.set(key, JSON.stringify(record), Math.max(Number(deviceAge), Number(addressAge)));
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/** The entries younger than maxAge, at most `cap` of them, the most recently used kept. */
function trim(
  entries: Record<string, number>,
  now: number,
  cap: number,
  maxAge: number,
): Record<string, number> {
  const live = Object.entries(entries)
    .filter(([, at]) => now - at < maxAge)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? 1 : ka > kb ? -1 : 0));
  return Object.fromEntries(live.slice(0, cap));
}

/** Which of a login's client traits the account knows. */
export interface Familiarity {
  /** The device id (its cookie's MAC already checked) signed in to this account lately. */
  device: boolean;
  /** The client address signed in to this account lately. */
  address: boolean;
}

const UNKNOWN: Familiarity = { device: false, address: false };

/**
 * The clients an account signed in from lately, kept server-side per canonical email: devices
 * (the ids of device cookies, at most MAX_DEVICES, a year) and addresses (at most MAX_ADDRESSES,
 * 30 days). The per-email lockout, the one limit a third party could trip for an account, does
 * not apply to them (docs/security.md → Device cookies).
 *
 * Everything here belongs to the credential generation of the login that wrote it, and counts
 * only while that is still the account's generation: a password reset or change, a disable, a
 * role removal or a logout-all forgets every device and address at once, in the same step that
 * ends the sessions, whatever order a concurrent login runs in. The owner's next successful
 * login starts the list again. The lookup needs no database: the record names its user, whose
 * generation is one more read in the store.
 */
@Injectable()
export class KnownClients {
  constructor(private readonly store: KeyValueStore) {}

  async familiarity(
    email: string,
    ip: string,
    deviceId: string | undefined,
    now = Date.now(),
  ): Promise<Familiarity> {
    if (email === '') return UNKNOWN;
    const raw = await this.store.get(recordKey(email));
    if (raw === null) return UNKNOWN;
    const record = parseRecord(raw);
    if (record === null) return UNKNOWN;
    const generation = Number((await this.store.get(tokenKeys.generation(record.uid))) ?? '0');
    if (generation !== record.gen) return UNKNOWN;
    const seen = (at: number | undefined, maxAge: number) => at !== undefined && now - at < maxAge;
    return {
      device: deviceId !== undefined && seen(record.d[deviceId], DEVICE_MEMORY_MS),
      address: seen(record.a[addressHash(ip)], ADDRESS_MEMORY_MS),
    };
  }

  /**
   * After a successful login: remembers its address and device under the generation its
   * session was opened under. A no-op when that generation has ended meanwhile.
   */
  async remember(
    email: string,
    owner: { userId: string; generation: number },
    client: { ip: string; deviceId?: string },
    now = Date.now(),
  ): Promise<boolean> {
    return this.store.run(
      rememberClient,
      [recordKey(email)],
      [
        owner.userId,
        owner.generation,
        now,
        client.deviceId ?? '',
        addressHash(client.ip),
        MAX_DEVICES,
        MAX_ADDRESSES,
        DEVICE_MEMORY_MS,
        ADDRESS_MEMORY_MS,
      ],
    );
  }
}

function parseRecord(raw: string): ClientRecord | null {
  try {
    const record = JSON.parse(raw) as Partial<ClientRecord>;
    if (typeof record.uid !== 'string' || typeof record.gen !== 'number') return null;
    // An empty Lua table is encoded as `{}`, a JSON object: both sides read it alike.
    const table = (t: unknown) =>
      (t !== null && typeof t === 'object' ? t : {}) as Record<string, number>;
    return { uid: record.uid, gen: record.gen, d: table(record.d), a: table(record.a) };
  } catch {
    return null;
  }
}

/** One key per email, hashed (no email in the store), in a Redis Cluster slot of its own. */
function recordKey(email: string): string {
  return `{e:${sha256(email)}}:clients`;
}

function addressHash(ip: string): string {
  return sha256(ip);
}
