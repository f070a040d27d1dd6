import type { AtomicScript, SyncStore } from '../state/key-value.store';
import {
  decodeSession,
  encodeSession,
  isLive,
  LUA_MIGRATE_LEGACY,
  LUA_SESSION_RECORD,
  mapDelete,
  mapEntries,
  mapGet,
  mapPut,
  mapSave,
  migrateLegacy,
  type StoredSession,
} from './session-record';

export type RotateOutcome =
  | { result: 'rotated'; session: StoredSession }
  | { result: 'grace' }
  | { result: 'reuse' }
  | { result: 'missing' };

/** Which of its tokens ended a session: the current one, the previous one, or an older one. */
export type EndByTokenOutcome = 'current' | 'previous' | 'older' | 'missing';

/**
 * Every script here takes the same KEYS: the user's session map, their generation, and the
 * legacy session index (session-record.ts). It starts by moving legacy sessions into the map,
 * then reads the map (\`all\`) and the generation once. A session is live while its record is
 * unexpired (its \`exp\` against the caller's time, ARGV) and of the user's current generation;
 * one that is not live is removed when met.
 */
const LUA_PRELUDE = `
  ${LUA_SESSION_RECORD}
  ${LUA_MIGRATE_LEGACY}
  migrate_legacy(KEYS[1], KEYS[3])
  local all = redis.call('GET', KEYS[1]) or ''
  local gen = tonumber(redis.call('GET', KEYS[2]) or '0')`;

/** The prelude for the memory store: the same migration; answers the map and the generation. */
function prelude(
  store: SyncStore,
  [map, generation, legacyIndex]: string[],
): { all: string; gen: number } {
  migrateLegacy(store, map, legacyIndex);
  return { all: store.get(map) ?? '', gen: currentGeneration(store, generation) };
}

// A generation key holds a plain integer; absent means 0.
function currentGeneration(store: SyncStore, key: string): number {
  return Number(store.get(key) ?? '0');
}

/**
 * ARGV: sid, record, ttl ms, the generation the caller read before it checked the credentials,
 * now ms, the most sessions a user may have. Opens the session only while that is still the
 * user's generation (answers whether it did): a password reset, disable or logout-all that ran
 * since then means the credentials were checked against a state that no longer holds. Removes
 * the user's sessions that are no longer live on the way, then, at the limit, the least recently
 * used ones, so the map (which every request of the user reads) stays small.
 */
export const createSession: AtomicScript<boolean> = {
  name: 'refresh-session-create',
  lua: `
    ${LUA_PRELUDE}
    if gen ~= tonumber(ARGV[4]) then return 0 end
    local now = tonumber(ARGV[5])
    local kept = {}
    for _, entry in ipairs(map_entries(all)) do
      local s = decode(entry[2])
      if live(s, gen, now) then
        table.insert(kept, {entry[1], s.lastUsedAt})
      else
        all = map_delete(all, entry[1])
      end
    end
    while #kept >= tonumber(ARGV[6]) do
      local oldest = 1
      for i = 2, #kept do if kept[i][2] < kept[oldest][2] then oldest = i end end
      all = map_delete(all, kept[oldest][1])
      table.remove(kept, oldest)
    end
    redis.call('SET', KEYS[1], map_put(all, ARGV[1], ARGV[2]), 'KEEPTTL')
    if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
    return 1`,
  memory: (store, keys, [sid, record, ttl, expected, nowText, limitText]) => {
    const { all: stored, gen } = prelude(store, keys);
    if (gen !== Number(expected)) return false;
    let all = stored;
    const [map] = keys;
    const kept: [string, number][] = [];
    for (const [other, value] of mapEntries(all)) {
      const session = decodeSession(value);
      if (session !== null && isLive(session, gen, Number(nowText)))
        kept.push([other, session.lastUsedAt]);
      else all = mapDelete(all, other);
    }
    while (kept.length >= Number(limitText)) {
      let oldest = 0;
      for (let i = 1; i < kept.length; i += 1) if (kept[i][1] < kept[oldest][1]) oldest = i;
      all = mapDelete(all, kept[oldest][0]);
      kept.splice(oldest, 1);
    }
    mapSave(store, map, mapPut(all, sid, record));
    if (store.pttl(map) < Number(ttl)) store.pexpire(map, Number(ttl));
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/**
 * The rotation rule, in one atomic step (docs/auth.md → Refresh tokens and sessions):
 * - a session that is not live (expired, or of an earlier generation) is gone, and removed;
 * - the current token rotates: the new hash becomes current, the old one previous;
 * - the previous token within the grace window: 401 without revoking (two tabs racing);
 * - any other token of the session: reuse, the whole session is revoked.
 * Callers present only tokens whose MAC is valid, so "any other token" is one that was really
 * issued for this session.
 * ARGV: sid, presented hash, new hash, now ms, grace ms. A rotation answers the new record.
 */
export const rotateSession: AtomicScript<RotateOutcome> = {
  name: 'refresh-session-rotate',
  lua: `
    ${LUA_PRELUDE}
    local raw = map_get(all, ARGV[1])
    if not raw then return {'missing'} end
    local s = decode(raw)
    local now = tonumber(ARGV[4])
    if not live(s, gen, now) then
      map_save(KEYS[1], map_delete(all, ARGV[1]))
      return {'missing'}
    end
    if s.cur == ARGV[2] then
      s.prev = s.cur
      s.cur = ARGV[3]
      s.rotatedAt = now
      s.lastUsedAt = now
      local record = encode(s)
      map_save(KEYS[1], map_put(all, ARGV[1], record))
      return {'rotated', record}
    end
    if s.prev == ARGV[2] and s.rotatedAt and now - s.rotatedAt <= tonumber(ARGV[5]) then
      return {'grace'}
    end
    map_save(KEYS[1], map_delete(all, ARGV[1]))
    return {'reuse'}`,
  memory: (store, keys, [sid, presented, next, nowText, graceText]) => {
    const { all, gen } = prelude(store, keys);
    const [map] = keys;
    const raw = mapGet(all, sid);
    if (raw === null) return { result: 'missing' };
    const session = decodeSession(raw);
    const now = Number(nowText);
    if (session === null || !isLive(session, gen, now)) {
      mapSave(store, map, mapDelete(all, sid));
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
      mapSave(store, map, mapPut(all, sid, encodeSession(rotated)));
      return { result: 'rotated', session: rotated };
    }
    if (
      session.prev === presented &&
      session.rotatedAt !== null &&
      now - session.rotatedAt <= Number(graceText)
    ) {
      return { result: 'grace' };
    }
    mapSave(store, map, mapDelete(all, sid));
    return { result: 'reuse' };
  },
  fromRedis: (reply) => {
    const [result, record] = reply as [RotateOutcome['result'], string | undefined];
    if (result !== 'rotated') return { result };
    const session = decodeSession(record as string);
    if (session === null) throw new Error('the rotation script answered an unreadable record');
    return { result, session };
  },
};

/**
 * Logout with a refresh token: ends the session the token belongs to, in one step, whichever
 * of its tokens it is (current, previous at any age, or older). Nothing is rotated first, so no
 * concurrent refresh can slip a live successor past it: a refresh that ran before has its new
 * token in the session that ends here; one that runs after finds no session. Answers which
 * token it was, or 'missing' for no live session.
 * ARGV: sid, presented hash, now ms.
 */
export const endSessionByToken: AtomicScript<EndByTokenOutcome> = {
  name: 'refresh-session-end-by-token',
  lua: `
    ${LUA_PRELUDE}
    local raw = map_get(all, ARGV[1])
    if not raw then return 'missing' end
    map_save(KEYS[1], map_delete(all, ARGV[1]))
    local s = decode(raw)
    if not live(s, gen, tonumber(ARGV[3])) then return 'missing' end
    if s.cur == ARGV[2] then return 'current' end
    if s.prev == ARGV[2] then return 'previous' end
    return 'older'`,
  memory: (store, keys, [sid, presented, nowText]) => {
    const { all, gen } = prelude(store, keys);
    const raw = mapGet(all, sid);
    if (raw === null) return 'missing';
    mapSave(store, keys[0], mapDelete(all, sid));
    const session = decodeSession(raw);
    if (session === null || !isLive(session, gen, Number(nowText))) return 'missing';
    if (session.cur === presented) return 'current';
    if (session.prev === presented) return 'previous';
    return 'older';
  },
  fromRedis: (reply) => reply as EndByTokenOutcome,
};

/** ARGV: sid, now ms. Ends one session; answers whether it was live. */
export const endSession: AtomicScript<boolean> = {
  name: 'refresh-session-end',
  lua: `
    ${LUA_PRELUDE}
    local raw = map_get(all, ARGV[1])
    if not raw then return 0 end
    map_save(KEYS[1], map_delete(all, ARGV[1]))
    if live(decode(raw), gen, tonumber(ARGV[2])) then return 1 end
    return 0`,
  memory: (store, keys, [sid, nowText]) => {
    const { all, gen } = prelude(store, keys);
    const raw = mapGet(all, sid);
    if (raw === null) return false;
    mapSave(store, keys[0], mapDelete(all, sid));
    return isLive(decodeSession(raw), gen, Number(nowText));
  },
  fromRedis: (reply) => reply === 1,
};

export interface NewGenerationOutcome {
  /** Live sessions ended (the kept one is not counted). */
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
 * ARGV: the session id to keep, or ''; now ms.
 */
export const startNewGeneration: AtomicScript<NewGenerationOutcome> = {
  name: 'refresh-session-new-generation',
  lua: `
    ${LUA_PRELUDE}
    local next = redis.call('INCR', KEYS[2])
    local now = tonumber(ARGV[2])
    local ended = 0
    local kept = nil
    for _, entry in ipairs(map_entries(all)) do
      local s = decode(entry[2])
      if live(s, gen, now) and entry[1] == ARGV[1] then
        s.gen = next
        kept = s
      elseif live(s, gen, now) then
        ended = ended + 1
      end
    end
    if kept then
      redis.call('SET', KEYS[1], '\\n' .. ARGV[1] .. '|' .. encode(kept), 'PX', kept.exp - now)
    else
      redis.call('DEL', KEYS[1])
    end
    return {ended, kept and 1 or 0}`,
  memory: (store, keys, [keep, nowText]) => {
    const { all, gen } = prelude(store, keys);
    const [map, generation] = keys;
    const next = gen + 1;
    store.set(generation, String(next));
    const now = Number(nowText);
    let ended = 0;
    let kept: StoredSession | null = null;
    for (const [sid, raw] of mapEntries(all)) {
      const session = decodeSession(raw);
      if (session !== null && isLive(session, gen, now) && sid === keep)
        kept = { ...session, gen: next };
      else if (isLive(session, gen, now)) ended += 1;
    }
    if (kept === null) store.del(map);
    else store.set(map, mapPut('', keep, encodeSession(kept)), kept.exp - now);
    return { ended, kept: kept !== null };
  },
  fromRedis: (reply) => {
    const [ended, kept] = reply as [number, number];
    return { ended, kept: kept === 1 };
  },
};

/** ARGV: now ms. Answers [sid, record] of every live session, removing the others. */
export const listSessions: AtomicScript<[string, string][]> = {
  name: 'refresh-session-list',
  lua: `
    ${LUA_PRELUDE}
    local now = tonumber(ARGV[1])
    local found = {}
    local kept = all
    for _, entry in ipairs(map_entries(all)) do
      if live(decode(entry[2]), gen, now) then
        table.insert(found, entry)
      else
        kept = map_delete(kept, entry[1])
      end
    end
    if kept ~= all then map_save(KEYS[1], kept) end
    return found`,
  memory: (store, keys, [nowText]) => {
    const { all, gen } = prelude(store, keys);
    const found: [string, string][] = [];
    let kept = all;
    for (const [sid, raw] of mapEntries(all)) {
      if (isLive(decodeSession(raw), gen, Number(nowText))) found.push([sid, raw]);
      else kept = mapDelete(kept, sid);
    }
    if (kept !== all) mapSave(store, keys[0], kept);
    return found;
  },
};
