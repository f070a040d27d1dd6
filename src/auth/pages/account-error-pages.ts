import { Injectable } from '@nestjs/common';
import type { ErrorBody } from '../../common/errors/error-body';
import { ErrorPages } from '../../common/errors/error-pages';
import { accountPages } from './account-page.html';
import { ACCOUNT_PAGE_PATHS } from './account-pages.controller';

const TITLES: Record<number, string> = {
  400: 'This request cannot be used',
  429: 'Too many attempts',
  503: 'Unavailable for a moment',
};

/**
 * Errors of the account pages as a page: the person followed a link from a mail. The message is
 * the text the JSON body would carry (it never echoes the request), with what to do next.
 */
@Injectable()
export class AccountErrorPages extends ErrorPages {
  readonly routes: ReadonlySet<string> = new Set(ACCOUNT_PAGE_PATHS.map((path) => `/${path}`));

  render(body: ErrorBody): string {
    const title = TITLES[body.statusCode] ?? 'Something went wrong';
    const hint =
      body.statusCode === 429 || body.statusCode === 503
        ? 'Try again in a minute, with the same link.'
        : `Reference: ${body.requestId}`;
    return accountPages.failure(title, body.message, hint);
  }
}
