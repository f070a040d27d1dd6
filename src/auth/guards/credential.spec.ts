import { classifyCredential } from './credential';

describe('classifyCredential', () => {
  it.each([
    [{}, { kind: 'none' }],
    [{ authorization: 'Bearer abc.def.ghi' }, { kind: 'bearer', token: 'abc.def.ghi' }],
    [{ authorization: 'bearer abc' }, { kind: 'bearer', token: 'abc' }],
    [{ authorization: 'Bearer' }, { kind: 'malformed' }],
    [{ authorization: 'Bearer a b' }, { kind: 'malformed' }],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, { kind: 'malformed' }],
    [{ 'x-api-key': 'sk_abc_def' }, { kind: 'apiKey', key: 'sk_abc_def' }],
    [{ 'x-api-key': '   ' }, { kind: 'apiKey', key: '' }],
    [{ authorization: 'Bearer abc', 'x-api-key': 'sk_abc_def' }, { kind: 'conflict' }],
  ])('%j -> %j', (headers, expected) => {
    expect(classifyCredential({ headers })).toEqual(expected);
  });
});
