import type { ErrorBody } from './error-body';

/**
 * Routes a person opens in a browser (a link from a mail), whose errors are an HTML page rather
 * than the JSON error body. The feature that serves them provides this; the exception filter
 * keeps the status, headers, logging and outage accounting, and asks it only for the page. It
 * covers every error of those routes, also those raised before a handler runs (an unreadable
 * form, a rate limit).
 */
export abstract class ErrorPages {
  /** Route patterns, as Fastify matched them (`request.routeOptions.url`). */
  abstract readonly routes: ReadonlySet<string>;
  /** The page for an error; `body.message` never echoes the request. */
  abstract render(body: ErrorBody): string;
}
