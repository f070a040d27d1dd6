import { rateLimitHeaders, tooManyRequestsHeaders } from './rate-limit-headers';

describe('rate limit headers', () => {
  it('describe the window of an answer a limit let through, without Retry-After', () => {
    expect(rateLimitHeaders({ limit: 100, remaining: 41, resetSeconds: 17 })).toEqual({
      'ratelimit-limit': '100',
      'ratelimit-remaining': '41',
      'ratelimit-reset': '17',
    });
  });

  it('give every 429 nothing remaining and a reset equal to Retry-After', () => {
    expect(tooManyRequestsHeaders(5, 800)).toEqual({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '800',
      'retry-after': '800',
    });
  });

  it.each([
    [0, '1'],
    [-3, '1'],
    [0.2, '1'],
    [1.5, '2'],
  ])('round a wait of %d s up to whole seconds, at least 1 (%s)', (wait, header) => {
    const headers = tooManyRequestsHeaders(10, wait);
    expect(headers['retry-after']).toBe(header);
    expect(headers['ratelimit-reset']).toBe(header);
  });
});
