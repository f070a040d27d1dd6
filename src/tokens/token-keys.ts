/**
 * Key names in the shared store. Everything about one user carries the hash tag {u:<id>}, so it
 * lives in one Redis Cluster slot and one script may touch it atomically.
 */
export const tokenKeys = {
  /**
   * The user's refresh sessions: one string, the session map (session-record.ts). It expires
   * with the last of them; an ended or expired session is a line the next script removes.
   */
  sessions: (userId: string) => `{u:${userId}}:sess`,
  deniedJti: (userId: string, jti: string) => `{u:${userId}}:deny:${jti}`,
  /**
   * The user's credential generation: a plain integer, absent = 0, without expiry (a session
   * of an earlier generation must never come back to life because the counter was evicted or
   * expired). Bumped by password reset and change, disable, role removal and logout-all.
   */
  generation: (userId: string) => `{u:${userId}}:gen`,
  /**
   * The layout before the session map: a set of session ids per user, and one JSON key per
   * session. Scripts move what they find there into the map (session-record.ts → legacy).
   */
  legacySessionIndex: (userId: string) => `{u:${userId}}:sessions`,
  legacySession: (userId: string, sessionId: string) => `{u:${userId}}:s:${sessionId}`,
};
