import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, for audit events and session records. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export function requestMetaOf(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    // Fastify resolves the client IP from the socket, or from X-Forwarded-For only as far as
    // TRUST_PROXY allows.
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: String(request.id),
  };
}

export const Meta = createParamDecorator((_: unknown, context: ExecutionContext): RequestMeta =>
  requestMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
