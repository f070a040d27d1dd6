import type { SyncStore } from '../state/key-value.store';

/**
 * One refresh session as the store keeps it: a line of the user's sessions string
 * (tokenKeys.sessions; the session map below). Times are epoch milliseconds.
 */
export interface StoredSession {
  /** The user's credential generation the session belongs to (see token-keys.ts). */
  gen: number;
  /** Hashes (hashRefreshToken) of the current refresh token, and of the one it replaced. */
  cur: string;
  prev: string | null;
  rotatedAt: number | null;
  createdAt: number;
  lastUsedAt: number;
  /** Absolute end: rotation never extends it. */
  exp: number;
  ua: string | null;
  ip: string | null;
}

/**
 * The record: `1|gen|cur|prev|rotatedAt|createdAt|lastUsedAt|exp|ip|ua`, an empty field for
 * null. The first field is the format. The user agent comes last and may hold `|`; no other
 * field can (hashes are base64url, times decimal, and the address is stored without `|`). No
 * field holds a newline, which separates sessions in the map. About a third of the JSON it
 * replaced: no field names, no user id (the key holds it), 22-character hashes.
 */
const FORMAT = '1';
const FIELDS = 10;
const DIGITS = /^\d{1,15}$/;
/** What a session keeps of the client's User-Agent header and address. */
export const USER_AGENT_LIMIT = 256;
const IP_LIMIT = 64;

export function encodeSession(session: StoredSession): string {
  return [
    FORMAT,
    session.gen,
    session.cur,
    session.prev ?? '',
    session.rotatedAt ?? '',
    session.createdAt,
    session.lastUsedAt,
    session.exp,
    session.ip ?? '',
    session.ua ?? '',
  ].join('|');
}

/** The session a record holds; null for anything else (a record is never trusted blindly). */
export function decodeSession(record: string): StoredSession | null {
  const fields = record.split('|');
  if (fields.length < FIELDS || fields[0] !== FORMAT) return null;
  const [, gen, cur, prev, rotatedAt, createdAt, lastUsedAt, exp, ip] = fields;
  // Digits only, as the Lua side reads them: Number('') would be 0 and Number('1e3') 1000.
  const digits = [gen, createdAt, lastUsedAt, exp];
  if (!digits.every((field) => DIGITS.test(field)) || !/^\d*$/.test(rotatedAt) || cur === '')
    return null;
  const numbers = digits.map(Number);
  const ua = fields.slice(FIELDS - 1).join('|');
  return {
    gen: numbers[0],
    cur,
    prev: prev === '' ? null : prev,
    rotatedAt: rotatedAt === '' ? null : Number(rotatedAt),
    createdAt: numbers[1],
    lastUsedAt: numbers[2],
    exp: numbers[3],
    ip: ip === '' ? null : ip,
    ua: ua === '' ? null : ua,
  };
}

/** What a new session keeps of where it came from: bounded, and nothing that breaks a record. */
export function sessionOrigin(origin: { userAgent: string | null; ip: string | null }): {
  ua: string | null;
  ip: string | null;
} {
  const ip = origin.ip?.replace(/[|\n]/g, '').slice(0, IP_LIMIT) ?? '';
  const ua = origin.userAgent?.replace(/\n/g, '').slice(0, USER_AGENT_LIMIT) ?? '';
  return { ua: ua === '' ? null : ua, ip: ip === '' ? null : ip };
}

export function isLive(session: StoredSession | null, generation: number, now: number): boolean {
  return session !== null && session.exp > now && session.gen === generation;
}

/**
 * The session map: all of one user's sessions in one string, `\n<sid>|<record>` per session.
 * One string rather than a Redis hash because a hash whose values pass Redis's
 * hash-max-listpack-value (64 bytes by default; a record with a browser's user agent is about
 * 200) becomes a hashtable, at about 470 bytes a session against about 330 here
 * (docs/performance.md → What changed, and why). A script reads the string once, finds a session with
 * one plain substring search, and writes it back keeping its expiry; an empty map is deleted.
 */
export function mapGet(all: string, sid: string): string | null {
  const at = all.indexOf(`\n${sid}|`);
  if (at === -1) return null;
  const stop = all.indexOf('\n', at + 1);
  return all.slice(at + sid.length + 2, stop === -1 ? undefined : stop);
}

export function mapDelete(all: string, sid: string): string {
  const at = all.indexOf(`\n${sid}|`);
  if (at === -1) return all;
  const stop = all.indexOf('\n', at + 1);
  return stop === -1 ? all.slice(0, at) : all.slice(0, at) + all.slice(stop);
}

export function mapPut(all: string, sid: string, record: string): string {
  return `${mapDelete(all, sid)}\n${sid}|${record}`;
}

export function mapEntries(all: string): [string, string][] {
  return [...all.matchAll(/\n([^|\n]*)\|([^\n]*)/g)].map(([, sid, record]) => [sid, record]);
}

/** Writes a map back, keeping the key's expiry; deletes it when empty. */
export function mapSave(store: SyncStore, key: string, all: string): void {
  if (all === '') {
    store.del(key);
    return;
  }
  const ttl = store.pttl(key);
  store.set(key, all, ttl > 0 ? ttl : undefined);
}

/**
 * The record and the map in Lua: decode (nil for anything else), encode, whether a session is
 * live (unexpired, of the given generation), and the map functions above.
 */
export const LUA_SESSION_RECORD = `
  local function decode(record)
    if not record then return nil end
    local f = {}
    local from = 1
    for i = 1, ${FIELDS - 1} do
      local bar = string.find(record, '|', from, true)
      if not bar then return nil end
      f[i] = string.sub(record, from, bar - 1)
      from = bar + 1
    end
    for _, i in ipairs({2, 6, 7, 8}) do
      if not string.match(f[i], '^%d+$') or #f[i] > 15 then return nil end
    end
    if not string.match(f[5], '^%d*$') then return nil end
    local s = {
      gen = tonumber(f[2]), cur = f[3], prev = f[4], rotatedAt = tonumber(f[5]),
      createdAt = tonumber(f[6]), lastUsedAt = tonumber(f[7]), exp = tonumber(f[8]),
      ip = f[9], ua = string.sub(record, from)
    }
    if f[1] ~= '${FORMAT}' or s.cur == '' then return nil end
    return s
  end
  local function num(n) if n then return string.format('%.0f', n) end return '' end
  local function encode(s)
    return table.concat({'${FORMAT}', num(s.gen), s.cur, s.prev, num(s.rotatedAt), num(s.createdAt),
      num(s.lastUsedAt), num(s.exp), s.ip, s.ua}, '|')
  end
  local function live(s, gen, now) return s ~= nil and s.exp > now and s.gen == gen end
  local function map_get(all, sid)
    local at = string.find(all, '\\n' .. sid .. '|', 1, true)
    if not at then return nil end
    local stop = string.find(all, '\\n', at + 1, true)
    return string.sub(all, at + #sid + 2, (stop or 0) - 1)
  end
  local function map_delete(all, sid)
    local at = string.find(all, '\\n' .. sid .. '|', 1, true)
    if not at then return all end
    local stop = string.find(all, '\\n', at + 1, true)
    if not stop then return string.sub(all, 1, at - 1) end
    return string.sub(all, 1, at - 1) .. string.sub(all, stop)
  end
  local function map_put(all, sid, record) return map_delete(all, sid) .. '\\n' .. sid .. '|' .. record end
  local function map_entries(all)
    local entries = {}
    for sid, record in string.gmatch(all, '\\n([^|\\n]*)|([^\\n]*)') do
      table.insert(entries, {sid, record})
    end
    return entries
  end
  local function map_save(key, all)
    if all == '' then redis.call('DEL', key) else redis.call('SET', key, all, 'KEEPTTL') end
  end`;

/**
 * Sessions stored before the session map, one JSON string key each (`{u:<id>}:s:<sid>`) with a
 * set of session ids per user (`{u:<id>}:sessions`). Every script that reads a user's sessions
 * first moves that user's legacy sessions into the map (same session id, same tokens, same
 * end), so a deployment upgraded in place keeps every session. Safe to delete, with the legacy
 * keys, once every instance has run this version for longer than REFRESH_TTL: no legacy key can
 * exist by then.
 *
 * The Lua helper takes the map's key and the legacy index (both declared in KEYS: one slot).
 */
export const LUA_MIGRATE_LEGACY = `
  local function legacy_text(v) if type(v) == 'string' then return (string.gsub(v, '\\n', '')) end return '' end
  local function legacy_number(v) if type(v) == 'number' then return v end return nil end
  local function migrate_legacy(key, index)
    if redis.call('EXISTS', index) == 0 then return end
    local all = redis.call('GET', key) or ''
    local longest = 0
    local base = string.sub(index, 1, -${':sessions'.length + 1})
    for _, sid in ipairs(redis.call('SMEMBERS', index)) do
      local legacy = base .. ':s:' .. sid
      local raw = redis.call('GET', legacy)
      local ttl = redis.call('PTTL', legacy)
      local ok, j = pcall(cjson.decode, raw or '')
      if ok and type(j) == 'table' and ttl > 0 and type(j.cur) == 'string' then
        all = map_put(all, sid, encode({
          gen = legacy_number(j.gen) or 0, cur = string.sub(j.cur, 1, 22),
          prev = string.sub(legacy_text(j.prev), 1, 22), rotatedAt = legacy_number(j.rotatedAt),
          createdAt = legacy_number(j.createdAt) or 0, lastUsedAt = legacy_number(j.lastUsedAt) or 0,
          exp = legacy_number(j.exp) or 0, ip = (string.gsub(legacy_text(j.ip), '|', '')),
          ua = legacy_text(j.ua)
        }))
        if ttl > longest then longest = ttl end
      end
      redis.call('DEL', legacy)
    end
    redis.call('DEL', index)
    if all ~= '' then
      redis.call('SET', key, all, 'KEEPTTL')
      if redis.call('PTTL', key) < longest then redis.call('PEXPIRE', key, longest) end
    end
  end`;

interface LegacySession {
  gen?: number;
  cur?: unknown;
  prev?: unknown;
  rotatedAt?: unknown;
  createdAt?: unknown;
  lastUsedAt?: unknown;
  exp?: unknown;
  ua?: unknown;
  ip?: unknown;
}

const legacyText = (v: unknown): string => (typeof v === 'string' ? v.replace(/\n/g, '') : '');
const legacyNumber = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** migrate_legacy for the memory store. */
export function migrateLegacy(store: SyncStore, key: string, index: string): void {
  const members = store.smembers(index);
  if (members.length === 0) return;
  let all = store.get(key) ?? '';
  let longest = 0;
  const base = index.slice(0, -':sessions'.length);
  for (const sid of members) {
    const legacyKey = `${base}:s:${sid}`;
    const legacy = parseLegacy(store.get(legacyKey));
    const ttl = store.pttl(legacyKey);
    if (legacy !== null && ttl > 0 && typeof legacy.cur === 'string') {
      const prev = legacyText(legacy.prev).slice(0, 22);
      const ip = legacyText(legacy.ip).replace(/\|/g, '');
      const ua = legacyText(legacy.ua);
      all = mapPut(
        all,
        sid,
        encodeSession({
          gen: legacyNumber(legacy.gen) ?? 0,
          cur: legacy.cur.slice(0, 22),
          prev: prev === '' ? null : prev,
          rotatedAt: legacyNumber(legacy.rotatedAt),
          createdAt: legacyNumber(legacy.createdAt) ?? 0,
          lastUsedAt: legacyNumber(legacy.lastUsedAt) ?? 0,
          exp: legacyNumber(legacy.exp) ?? 0,
          ip: ip === '' ? null : ip,
          ua: ua === '' ? null : ua,
        }),
      );
      longest = Math.max(longest, ttl);
    }
    store.del(legacyKey);
  }
  store.del(index);
  if (all === '') return;
  mapSave(store, key, all);
  if (store.pttl(key) < longest) store.pexpire(key, longest);
}

function parseLegacy(raw: string | null): LegacySession | null {
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}
