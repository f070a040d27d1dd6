import type { IncomingHttpHeaders } from 'node:http';
import { classifyCredential } from './credential';

describe('classifyCredential', () => {
  it.each([
    [{}, { kind: 'none' }],
    [{ authorization: 'Bearer abc.def.ghi' }, { kind: 'bearer', token: 'abc.def.ghi' }],
    [{ authorization: 'bearer abc' }, { kind: 'bearer', token: 'abc' }],
    [{ authorization: 'Bearer' }, { kind: 'malformed' }],
    [{ authorization: 'Bearer a b' }, { kind: 'malformed' }],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, { kind: 'malformed' }],
    [{ 'x-api-key': 'sk_abc_def' }, { kind: 'apiKey' }],
    [{ 'x-api-key': '' }, { kind: 'apiKey' }],
    [{ authorization: 'Bearer abc', 'x-api-key': 'sk_abc_def' }, { kind: 'conflict' }],
    [{ 'x-api-key': ['sk_a', 'sk_b'] }, { kind: 'duplicate', header: 'X-API-Key' }],
    [{ authorization: ['Bearer a', 'Bearer b'] }, { kind: 'duplicate', header: 'Authorization' }],
  ])('%j -> %j', (headers, expected) => {
    // Typed as Node types them; the array cases are what a non-Node caller could still pass.
    expect(classifyCredential({ headers: headers as unknown as IncomingHttpHeaders })).toEqual(
      expected,
    );
  });

  it.each([
    [['Authorization', 'Bearer a', 'authorization', 'Bearer a'], 'Authorization'],
    [['x-api-key', 'sk_a', 'X-API-KEY', 'sk_b'], 'X-API-Key'],
  ])('sees a header repeated in the raw request %j', (rawHeaders, header) => {
    // What Node leaves in `headers` after dropping or joining the repeats.
    const headers = { authorization: 'Bearer a', 'x-api-key': 'sk_a, sk_b' };
    expect(classifyCredential({ headers, raw: { rawHeaders } })).toEqual({
      kind: 'duplicate',
      header,
    });
  });

  it('counts other repeated headers as nothing special', () => {
    const rawHeaders = ['Accept', 'a', 'accept', 'b', 'Authorization', 'Bearer t'];
    expect(
      classifyCredential({ headers: { authorization: 'Bearer t' }, raw: { rawHeaders } }),
    ).toEqual({ kind: 'bearer', token: 't' });
  });
});
