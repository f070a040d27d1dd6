import { STATUS_CODES } from 'node:http';
import type { ErrorDetail } from './domain.error';

/** The one shape of every error answer (API.md → Status codes). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  code?: string;
  details?: ErrorDetail[];
}

export function errorBody(
  statusCode: number,
  message: string,
  requestId: string,
  extra: { code?: string; details?: ErrorDetail[] } = {},
): ErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    requestId,
    ...(extra.code !== undefined && { code: extra.code }),
    ...(extra.details !== undefined && extra.details.length > 0 && { details: extra.details }),
  };
}
