/**
 * Key names in the shared store. Everything about one user carries the hash tag {u:<id>}, so it
 * lives in one Redis Cluster slot and one script may touch it atomically.
 */
export const tokenKeys = {
  session: (userId: string, sessionId: string) => `{u:${userId}}:s:${sessionId}`,
  sessions: (userId: string) => `{u:${userId}}:sessions`,
  deniedJti: (userId: string, jti: string) => `{u:${userId}}:deny:${jti}`,
  revokedBefore: (userId: string) => `{u:${userId}}:rb`,
};
