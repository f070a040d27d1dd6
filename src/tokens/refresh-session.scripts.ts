import type { AtomicScript, SyncStore } from '../state/key-value.store';

/** What the store keeps for one session (JSON). Times are epoch milliseconds. */
export interface StoredSession {
  uid: string;
  /**
   * The user's credential generation the session belongs to (see token-keys.ts): the session
   * lives only while it is the current one. Absent in sessions stored before generations
   * existed, which read as 0, the generation of a user who never had one bumped.
   */
  gen?: number;
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

/** Which of its tokens ended a session: the current one, the previous one, or an older one. */
export type EndByTokenOutcome = 'current' | 'previous' | 'older' | 'missing';

// The session key of a sessions-index key: "<prefix>{u:id}:sessions" -> "<prefix>{u:id}:s:<sid>".
const SESSIONS_SUFFIX = ':sessions';
const LUA_SESSION_KEY = `local function session_key(index, sid) return string.sub(index, 1, -${SESSIONS_SUFFIX.length + 1}) .. ':s:' .. sid end`;
function sessionKeyOf(indexKey: string, sessionId: string): string {
  return `${indexKey.slice(0, -SESSIONS_SUFFIX.length)}:s:${sessionId}`;
}

// A generation key holds a plain integer; absent means 0.
const LUA_GENERATION = `
  local function current_gen(key) return tonumber(redis.call('GET', key) or '0') end
  local function gen_of(s) return tonumber(s.gen or 0) end`;
function currentGeneration(store: SyncStore, key: string): number {
  return Number(store.get(key) ?? '0');
}
function generationOf(session: StoredSession): number {
  return session.gen ?? 0;
}

/**
 * KEYS: session, sessions index, generation. ARGV: sid, session JSON, ttl ms, the generation
 * the caller read before it checked the credentials. Opens the session only while that is still
 * the user's generation (answers whether it did): a password reset, disable or logout-all that
 * ran since then means the credentials were checked against a state that no longer holds.
 */
export const createSession: AtomicScript<boolean> = {
  name: 'refresh-session-create',
  lua: `
    ${LUA_GENERATION}
    if current_gen(KEYS[3]) ~= tonumber(ARGV[4]) then return 0 end
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    redis.call('SADD', KEYS[2], ARGV[1])
    if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
    return 1`,
  memory: (store, [session, index, generation], [sid, json, ttl, expected]) => {
    if (currentGeneration(store, generation) !== Number(expected)) return false;
    store.set(session, json, Number(ttl));
    store.sadd(index, sid);
    if (store.pttl(index) < Number(ttl)) store.pexpire(index, Number(ttl));
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/**
 * The rotation rule, in one atomic step (docs/auth.md → Refresh tokens and sessions):
 * - a session of an earlier generation is gone (it should not exist; it is deleted if it does);
 * - the current token rotates: the new hash becomes current, the old one previous;
 * - the previous token within the grace window: 401 without revoking (two tabs racing);
 * - any other token of the session: reuse, the whole session is revoked.
 * Callers present only tokens whose MAC is valid, so "any other token" is one that was really
 * issued for this session.
 * KEYS: session, sessions index, generation. ARGV: sid, presented hash, new hash, now ms, grace ms.
 */
export const rotateSession: AtomicScript<RotateOutcome> = {
  name: 'refresh-session-rotate',
  lua: `
    ${LUA_GENERATION}
    local raw = redis.call('GET', KEYS[1])
    if not raw then return {'missing'} end
    local s = cjson.decode(raw)
    local now = tonumber(ARGV[4])
    if s.exp <= now or gen_of(s) ~= current_gen(KEYS[3]) then
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
  memory: (store, [sessionKey, index, generation], [sid, presented, next, nowText, graceText]) => {
    const raw = store.get(sessionKey);
    if (raw === null) return { result: 'missing' };
    const session = JSON.parse(raw) as StoredSession;
    const now = Number(nowText);
    if (session.exp <= now || generationOf(session) !== currentGeneration(store, generation)) {
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

/**
 * Logout with a refresh token: ends the session the token belongs to, in one step, whichever
 * of its tokens it is (current, previous at any age, or older). Nothing is rotated first, so no
 * concurrent refresh can slip a live successor past it: a refresh that ran before has its new
 * token in the session that ends here; one that runs after finds no session. Answers which
 * token it was, or 'missing' for no live session.
 * KEYS: session, sessions index, generation. ARGV: sid, presented hash, now ms.
 */
export const endSessionByToken: AtomicScript<EndByTokenOutcome> = {
  name: 'refresh-session-end-by-token',
  lua: `
    ${LUA_GENERATION}
    local raw = redis.call('GET', KEYS[1])
    if not raw then return 'missing' end
    local s = cjson.decode(raw)
    redis.call('DEL', KEYS[1])
    redis.call('SREM', KEYS[2], ARGV[1])
    if s.exp <= tonumber(ARGV[3]) or gen_of(s) ~= current_gen(KEYS[3]) then return 'missing' end
    if s.cur == ARGV[2] then return 'current' end
    if s.prev == ARGV[2] then return 'previous' end
    return 'older'`,
  memory: (store, [sessionKey, index, generation], [sid, presented, nowText]) => {
    const raw = store.get(sessionKey);
    if (raw === null) return 'missing';
    const session = JSON.parse(raw) as StoredSession;
    store.del(sessionKey);
    store.srem(index, sid);
    if (session.exp <= Number(nowText)) return 'missing';
    if (generationOf(session) !== currentGeneration(store, generation)) return 'missing';
    if (session.cur === presented) return 'current';
    if (session.prev === presented) return 'previous';
    return 'older';
  },
  fromRedis: (reply) => reply as EndByTokenOutcome,
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

export interface NewGenerationOutcome {
  /** Sessions ended (the kept one is not counted). */
  ended: number;
  /** Whether the session to keep was live and moved to the new generation. */
  kept: boolean;
}

/**
 * Starts a new credential generation for the user: bumps the counter and ends every session of
 * the earlier one, in one step, so that no session can be opened or rotated under the old
 * generation afterwards (createSession and rotateSession compare it). The one session named by
 * ARGV[1] (password change keeps the caller's), when live, is re-stamped with the new
 * generation instead, keeping its tokens and expiry.
 * KEYS: sessions index, generation. ARGV: the session id to keep, or ''.
 */
export const startNewGeneration: AtomicScript<NewGenerationOutcome> = {
  name: 'refresh-session-new-generation',
  lua: `
    ${LUA_SESSION_KEY}
    ${LUA_GENERATION}
    local old = current_gen(KEYS[2])
    local gen = redis.call('INCR', KEYS[2])
    local ended = 0
    local keptTtl = 0
    for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
      local key = session_key(KEYS[1], sid)
      local raw = redis.call('GET', key)
      local ttl = redis.call('PTTL', key)
      if raw and sid == ARGV[1] and ttl > 0 and gen_of(cjson.decode(raw)) == old then
        local s = cjson.decode(raw)
        s.gen = gen
        redis.call('SET', key, cjson.encode(s), 'PX', ttl)
        keptTtl = ttl
      else
        ended = ended + redis.call('DEL', key)
      end
    end
    redis.call('DEL', KEYS[1])
    if keptTtl > 0 then
      redis.call('SADD', KEYS[1], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], keptTtl)
    end
    return {ended, keptTtl > 0 and 1 or 0}`,
  memory: (store, [index, generation], [keep]) => {
    const old = currentGeneration(store, generation);
    const next = old + 1;
    store.set(generation, String(next));
    let ended = 0;
    let keptTtl = 0;
    for (const sid of store.smembers(index)) {
      const key = sessionKeyOf(index, sid);
      const raw = store.get(key);
      const ttl = store.pttl(key);
      const session = raw === null ? null : (JSON.parse(raw) as StoredSession);
      if (session !== null && sid === keep && ttl > 0 && generationOf(session) === old) {
        store.set(key, JSON.stringify({ ...session, gen: next }), ttl);
        keptTtl = ttl;
      } else if (store.del(key)) {
        ended += 1;
      }
    }
    store.del(index);
    if (keptTtl > 0) {
      store.sadd(index, keep);
      store.pexpire(index, keptTtl);
    }
    return { ended, kept: keptTtl > 0 };
  },
  fromRedis: (reply) => {
    const [ended, kept] = reply as [number, number];
    return { ended, kept: kept === 1 };
  },
};

/**
 * KEYS: sessions index, generation. Answers [sid, JSON] of every live session of the current
 * generation, dropping dead index entries.
 */
export const listSessions: AtomicScript<[string, string][]> = {
  name: 'refresh-session-list',
  lua: `
    ${LUA_SESSION_KEY}
    ${LUA_GENERATION}
    local gen = current_gen(KEYS[2])
    local live = {}
    for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
      local raw = redis.call('GET', session_key(KEYS[1], sid))
      if raw and gen_of(cjson.decode(raw)) == gen then
        table.insert(live, {sid, raw})
      else
        redis.call('SREM', KEYS[1], sid)
      end
    end
    return live`,
  memory: (store, [index, generation]) => {
    const gen = currentGeneration(store, generation);
    const live: [string, string][] = [];
    for (const sid of store.smembers(index)) {
      const raw = store.get(sessionKeyOf(index, sid));
      if (raw !== null && generationOf(JSON.parse(raw) as StoredSession) === gen)
        live.push([sid, raw]);
      else store.srem(index, sid);
    }
    return live;
  },
};

/** cjson writes an absent prev as null and may write integers as floats; normalize both. */
export function parseLuaSession(json: string): StoredSession {
  const parsed = JSON.parse(json) as StoredSession;
  return { ...parsed, prev: parsed.prev ?? null, rotatedAt: parsed.rotatedAt ?? null };
}
