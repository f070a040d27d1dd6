import { findInputProblem, MAX_JSON_DEPTH, stringProblem } from './input-rules';

describe('stringProblem', () => {
  it.each([
    ['plain text', 'alice'],
    ['a surrogate pair', 'smile 😀'],
    ['combining marks', 'i̇'],
  ])('accepts %s', (_, text) => {
    expect(stringProblem(text)).toBeNull();
  });

  it.each([
    ['a NUL', 'a\u0000b', /NUL/],
    ['a lone high surrogate', 'a\ud800', /lone surrogates/],
    ['a lone low surrogate', '\udfffb', /lone surrogates/],
    ['a reversed pair', '\ude00\ud83d', /lone surrogates/],
  ])('refuses %s', (_, text, problem) => {
    expect(stringProblem(text)).toMatch(problem);
  });
});

describe('findInputProblem', () => {
  const nest = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('allows exactly MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(findInputProblem(nest(MAX_JSON_DEPTH), 'body')).toBeNull();
    expect(findInputProblem(nest(MAX_JSON_DEPTH + 1), 'body')).toEqual({
      field: '0',
      problem: `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    });
  });

  it('walks a million levels without overflowing the stack', () => {
    expect(findInputProblem({ name: nest(1_000_000) }, 'body')?.field).toBe('name');
  });

  it('names the field the way validation errors do', () => {
    expect(findInputProblem({ a: { b: ['ok', 'x\u0000'] } }, 'body')).toEqual({
      field: 'a.b.1',
      problem: 'must not contain NUL characters (\\u0000)',
    });
    expect(findInputProblem('\ud800', 'id')).toEqual({
      field: 'id',
      problem: 'must be well-formed Unicode (no lone surrogates)',
    });
  });

  it('reports the first bad field in the order sent', () => {
    expect(findInputProblem({ first: '\u0000', second: '\u0000' }, 'body')?.field).toBe('first');
  });

  it('checks property names', () => {
    expect(findInputProblem({ nested: { 'k\u0000': 1 } }, 'body')).toEqual({
      field: 'nested',
      problem: 'has a property name that must not contain NUL characters (\\u0000)',
    });
  });

  it('passes numbers, booleans and null', () => {
    expect(findInputProblem({ n: 1e308, b: true, z: null, list: [1, 2] }, 'body')).toBeNull();
  });
});
