import { undecodableQueryError, undecodableQueryParameter } from './query-encoding';

describe('undecodableQueryParameter', () => {
  it.each([
    '/x',
    '/x?',
    '/x?email=al%C3%A9&page=2',
    '/x?flag',
    '/x?q=a+b&r=%2B',
    '/x?smile=%F0%9F%98%80',
  ])('passes %s', (url) => {
    expect(undecodableQueryParameter(url)).toBeNull();
  });

  it.each([
    ['/x?email=ali%FFce', 'email'],
    ['/x?page=1&email=%ED%A0%80', 'email'],
    ['/x?email=%E2%82', 'email'],
    ['/x?email=%', 'email'],
    ['/x?email=%2', 'email'],
    ['/x?%FF=1', '%FF'],
    ['/x?na%C3%AFve=%FF', 'naïve'],
  ])('names the parameter of %s', (url, field) => {
    expect(undecodableQueryParameter(url)).toBe(field);
  });

  it('builds the 400 naming it', () => {
    expect(undecodableQueryError('/x?email=%FF')?.details).toEqual([
      { field: 'email', problem: 'must be percent-encoded UTF-8' },
    ]);
    expect(undecodableQueryError('/x?email=a')).toBeNull();
  });
});
