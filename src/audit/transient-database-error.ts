/**
 * SQLSTATE classes that say "the database could not do it now", not "these values are wrong":
 * 08 connection exception, 40 transaction rollback, 53 insufficient resources, 57 operator
 * intervention (shutdown, statement timeout), 58 system error. See the PostgreSQL appendix A.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Whether a failed write may succeed later unchanged. Errors without a SQLSTATE come from the
 * connection itself (refused, reset, timed out), so they count as transient too.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = sqlState(error);
  return code === undefined || TRANSIENT_CLASSES.has(code.slice(0, 2));
}

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // TypeORM's QueryFailedError carries the driver's error, whose `code` is the SQLSTATE.
  const driverError = (error as { driverError?: unknown }).driverError ?? error;
  const { code, severity } = driverError as { code?: unknown; severity?: unknown };
  // Only the server's answers have a severity; socket errors have codes too (EPIPE, ECONNRESET).
  if (typeof severity !== 'string') return undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
