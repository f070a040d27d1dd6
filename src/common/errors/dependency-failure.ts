import { types } from 'node:util';
import { DependencyUnavailableError } from './dependency-unavailable.error';

// Node socket errors and PostgreSQL SQLSTATEs that mean "the database is not there right now"
// (class 08: connection exceptions; 57P0x: the server is shutting down or starting up; 53300: no
// connection slot), as opposed to a query the database refused.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|Query read timeout|canceling statement due to statement timeout/i;

/** A database error that means the database is unreachable becomes a 503, never a 500. */
export function asDependencyFailure(error: unknown): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  if (!isError(error)) return undefined;
  const driverError = (error as { driverError?: unknown }).driverError;
  for (const candidate of [error, driverError]) {
    if (!isError(candidate)) continue;
    const code = (candidate as { code?: unknown }).code;
    if (
      (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
      CONNECTION_MESSAGES.test(candidate.message)
    ) {
      return new DependencyUnavailableError('database', { cause: error });
    }
  }
  return undefined;
}

/**
 * Socket errors are made by Node's own realm: `instanceof Error` fails for them where code runs in
 * another realm (a vm context, as under Jest), so recognise native errors by their brand too.
 */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}
