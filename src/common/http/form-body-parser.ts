import { isUtf8 } from 'node:buffer';
import { errorCodes, type FastifyInstance } from 'fastify';
import { RequestValidationError } from '../errors/request-validation.error';
import { stringProblem } from '../validation/input-rules';
import { undecodableQueryParameter } from './query-encoding';

/** A form of the service's own pages holds a token and two passwords: far below this. */
const FORM_BODY_LIMIT = 8 * 1024;

/**
 * HTML forms (`application/x-www-form-urlencoded`), for the routes in `routes` only. Everywhere
 * else the API stays JSON-only and answers 415, exactly as without this parser: a form is what
 * another site can make a browser send without a CORS preflight, so no API route may read one.
 * The body is parsed with WHATWG URLSearchParams, after the same checks as a query string
 * (percent-encoded UTF-8, no NUL or lone surrogates). A field sent twice is refused rather than
 * guessed at; the value is a flat object of strings.
 */
export function registerFormBodyParser(
  fastify: FastifyInstance,
  routes: ReadonlySet<string>,
): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT },
    (request, body: Buffer, done) => {
      if (!routes.has(request.routeOptions.url ?? '')) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']));
        return;
      }
      const text = isUtf8(body) ? body.toString('utf8') : null;
      const undecodable = text === null ? 'body' : undecodableQueryParameter(`?${text}`);
      if (text === null || undecodable !== null) {
        done(
          new RequestValidationError([
            { field: undecodable ?? 'body', problem: 'must be percent-encoded UTF-8' },
          ]),
        );
        return;
      }
      const fields = new Map<string, string>();
      for (const [name, value] of new URLSearchParams(text)) {
        const problem = fields.has(name)
          ? 'must be sent once'
          : (stringProblem(name) ?? stringProblem(value));
        if (problem !== null) {
          done(new RequestValidationError([{ field: name, problem }]));
          return;
        }
        fields.set(name, value);
      }
      // Own data properties only, `__proto__` included: fromEntries never sets a prototype.
      done(null, Object.fromEntries(fields));
    },
  );
}
