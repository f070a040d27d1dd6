import type { ErrorDetail } from '../errors/domain.error';

/**
 * How deeply arrays and objects may nest in a request body. No route takes more than three
 * levels; the cap keeps recursive code further on (class-transformer, class-validator) far from
 * the end of the stack, where a deep body used to turn into a 500.
 */
export const MAX_JSON_DEPTH = 32;

// NUL: PostgreSQL refuses 0x00 in text, and C libraries (bcrypt) stop reading at it.
const NUL = '\u0000';
// A lone surrogate is ill-formed UTF-16: it cannot be encoded as UTF-8, and drivers quietly turn
// it into U+FFFD, so what is stored would differ from what was sent. In `u` mode a well-formed
// pair reads as one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a string may not enter the service, or null when it may. */
export function stringProblem(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/**
 * The first problem in a parsed body, query or path: nesting deeper than `maxDepth`, or a string
 * (value or property name) that `stringProblem` refuses. `field` names it the way validation
 * errors do (`rateLimit.limit`, `scopes.0`), or is `root` for the value itself.
 *
 * Iterative on purpose: the value may be as deep as the body limit allows.
 */
export function findInputProblem(
  value: unknown,
  root: string,
  maxDepth = MAX_JSON_DEPTH,
): ErrorDetail | null {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const field = next.path.length === 0 ? root : next.path.join('.');
    if (typeof next.value === 'string') {
      const problem = stringProblem(next.value);
      if (problem !== null) return { field, problem };
      continue;
    }
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.path.length >= maxDepth) {
      // The top-level field is enough to find it; the full path would be dozens of segments.
      return {
        field: next.path.length === 0 ? root : next.path[0],
        problem: `must not nest arrays and objects more than ${maxDepth} levels deep`,
      };
    }
    const entries: [string, unknown][] = Object.entries(next.value);
    // Pushed last to first, so fields are looked at in the order they were sent.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const keyProblem = stringProblem(key);
      if (keyProblem !== null) return { field, problem: `has a property name that ${keyProblem}` };
      pending.push({ value: child, path: [...next.path, key] });
    }
  }
  return null;
}
