/**
 * Key names in the shared store. Everything about one user carries the hash tag {u:<id>}, so it
 * lives in one Redis Cluster slot and one script may touch it atomically.
 */
export const tokenKeys = {
  session: (userId: string, sessionId: string) => `{u:${userId}}:s:${sessionId}`,
  sessions: (userId: string) => `{u:${userId}}:sessions`,
  deniedJti: (userId: string, jti: string) => `{u:${userId}}:deny:${jti}`,
  /**
   * The user's credential generation: a plain integer, absent = 0, without expiry (a session
   * of an earlier generation must never come back to life because the counter was evicted or
   * expired). Bumped by password reset and change, disable, role removal and logout-all.
   */
  generation: (userId: string) => `{u:${userId}}:gen`,
};
