import type { AtomicScript } from '../redis/key-value.store';

/** What the store keeps for one session (JSON). Times are epoch milliseconds. */
export interface StoredSession {
  uid: string;
  /** SHA-256 of the current refresh token, and of the one it replaced. */
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

export type RotateOutcome =
  | { result: 'rotated'; session: StoredSession }
  | { result: 'grace' }
  | { result: 'reuse' }
  | { result: 'missing' };

// The session key of a sessions-index key: "<prefix>{u:id}:sessions" -> "<prefix>{u:id}:s:<sid>".
const SESSIONS_SUFFIX = ':sessions';
const LUA_SESSION_KEY = `local function session_key(index, sid) return string.sub(index, 1, -${SESSIONS_SUFFIX.length + 1}) .. ':s:' .. sid end`;
function sessionKeyOf(indexKey: string, sessionId: string): string {
  return `${indexKey.slice(0, -SESSIONS_SUFFIX.length)}:s:${sessionId}`;
}

/** KEYS: session, sessions index. ARGV: sid, session JSON, ttl ms. */
export const createSession: AtomicScript<void> = {
  name: 'refresh-session-create',
  lua: `
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    redis.call('SADD', KEYS[2], ARGV[1])
    if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
    return 1`,
  memory: (store, [session, index], [sid, json, ttl]) => {
    store.set(session, json, Number(ttl));
    store.sadd(index, sid);
    if (store.pttl(index) < Number(ttl)) store.pexpire(index, Number(ttl));
  },
  fromRedis: () => undefined,
};

/**
 * The rotation rule, in one atomic step (ARCHITECTURE.md → State):
 * - the current token rotates: the new hash becomes current, the old one previous;
 * - the previous token within the grace window: 401 without revoking (two tabs racing);
 * - any other token of the session: reuse, the whole session is revoked.
 * KEYS: session, sessions index. ARGV: sid, presented hash, new hash, now ms, grace ms.
 */
export const rotateSession: AtomicScript<RotateOutcome> = {
  name: 'refresh-session-rotate',
  lua: `
    local raw = redis.call('GET', KEYS[1])
    if not raw then return {'missing'} end
    local s = cjson.decode(raw)
    local now = tonumber(ARGV[4])
    if s.exp <= now then
      redis.call('DEL', KEYS[1])
      redis.call('SREM', KEYS[2], ARGV[1])
      return {'missing'}
    end
    if s.cur == ARGV[2] then
      s.prev = s.cur
      s.cur = ARGV[3]
      s.rotatedAt = now
      s.lastUsedAt = now
      local json = cjson.encode(s)
      redis.call('SET', KEYS[1], json, 'PX', s.exp - now)
      return {'rotated', json}
    end
    if s.prev == ARGV[2] and s.rotatedAt and now - s.rotatedAt <= tonumber(ARGV[5]) then
      return {'grace'}
    end
    redis.call('DEL', KEYS[1])
    redis.call('SREM', KEYS[2], ARGV[1])
    return {'reuse'}`,
  memory: (store, [sessionKey, index], [sid, presented, next, nowText, graceText]) => {
    const raw = store.get(sessionKey);
    if (raw === null) return { result: 'missing' };
    const session = JSON.parse(raw) as StoredSession;
    const now = Number(nowText);
    if (session.exp <= now) {
      store.del(sessionKey);
      store.srem(index, sid);
      return { result: 'missing' };
    }
    if (session.cur === presented) {
      const rotated: StoredSession = {
        ...session,
        prev: session.cur,
        cur: next,
        rotatedAt: now,
        lastUsedAt: now,
      };
      store.set(sessionKey, JSON.stringify(rotated), session.exp - now);
      return { result: 'rotated', session: rotated };
    }
    if (
      session.prev === presented &&
      session.rotatedAt !== null &&
      now - session.rotatedAt <= Number(graceText)
    ) {
      return { result: 'grace' };
    }
    store.del(sessionKey);
    store.srem(index, sid);
    return { result: 'reuse' };
  },
  fromRedis: (reply) => {
    const [result, json] = reply as [RotateOutcome['result'], string | undefined];
    if (result === 'rotated') return { result, session: parseLuaSession(json as string) };
    return { result };
  },
};

/** KEYS: session, sessions index. ARGV: sid. Answers whether the session existed. */
export const endSession: AtomicScript<boolean> = {
  name: 'refresh-session-end',
  lua: `
    local existed = redis.call('DEL', KEYS[1])
    redis.call('SREM', KEYS[2], ARGV[1])
    return existed`,
  memory: (store, [sessionKey, index], [sid]) => {
    const existed = store.del(sessionKey);
    store.srem(index, sid);
    return existed;
  },
  fromRedis: (reply) => reply === 1,
};

/** KEYS: sessions index. Ends every session of the user; answers how many there were. */
export const endAllSessions: AtomicScript<number> = {
  name: 'refresh-session-end-all',
  lua: `
    ${LUA_SESSION_KEY}
    local ended = 0
    for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
      ended = ended + redis.call('DEL', session_key(KEYS[1], sid))
    end
    redis.call('DEL', KEYS[1])
    return ended`,
  memory: (store, [index]) => {
    let ended = 0;
    for (const sid of store.smembers(index)) if (store.del(sessionKeyOf(index, sid))) ended += 1;
    store.del(index);
    return ended;
  },
};

/** KEYS: sessions index. Answers [sid, JSON] of every live session, dropping dead index entries. */
export const listSessions: AtomicScript<[string, string][]> = {
  name: 'refresh-session-list',
  lua: `
    ${LUA_SESSION_KEY}
    local live = {}
    for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
      local raw = redis.call('GET', session_key(KEYS[1], sid))
      if raw then table.insert(live, {sid, raw}) else redis.call('SREM', KEYS[1], sid) end
    end
    return live`,
  memory: (store, [index]) => {
    const live: [string, string][] = [];
    for (const sid of store.smembers(index)) {
      const raw = store.get(sessionKeyOf(index, sid));
      if (raw === null) store.srem(index, sid);
      else live.push([sid, raw]);
    }
    return live;
  },
};

/** cjson writes an absent prev as null and may write integers as floats; normalize both. */
export function parseLuaSession(json: string): StoredSession {
  const parsed = JSON.parse(json) as StoredSession;
  return { ...parsed, prev: parsed.prev ?? null, rotatedAt: parsed.rotatedAt ?? null };
}
