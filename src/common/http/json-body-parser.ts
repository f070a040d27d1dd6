import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestValidationError } from '../errors/request-validation.error';
import { findInputProblem } from '../validation/input-rules';

type CallbackParser = (
  request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
) => void;

/**
 * Replaces Fastify's JSON parser with one that refuses, with a 400 naming the field, what the
 * default parser lets through into a 500 or a silent change:
 * - bytes that are not UTF-8 (the default decoder turns them into U+FFFD);
 * - nesting deeper than MAX_JSON_DEPTH (recursive validation overflowed the stack);
 * - NUL and lone surrogates (`"\ud800"`) in any string or property name.
 * Parsing itself stays Fastify's own, with its prototype-poisoning protection (`__proto__` and
 * `constructor.prototype` keys are refused).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  ) as CallbackParser;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      if (!isUtf8(body)) {
        done(new RequestValidationError([{ field: 'body', problem: 'must be valid UTF-8' }]));
        return;
      }
      parseJson(request, body.toString('utf8'), (error, value) => {
        if (error !== null) return done(error);
        const problem = findInputProblem(value, 'body');
        if (problem !== null) return done(new RequestValidationError([problem]));
        done(null, value);
      });
    },
  );
}
