/** Bits a production secret must carry by the estimate below (a 128-bit key, at the least). */
export const MIN_SECRET_BITS = 128;

/**
 * A conservative estimate of the randomness in a secret: its length times the Shannon entropy of
 * its own character frequencies. `openssl rand -hex 32` scores about 240 bits and
 * `openssl rand -base64 48` about 360; 32 × "a" scores 0 and a short repeated word scores little.
 * It cannot tell a random string from a random-looking one, so it only catches the obvious.
 */
export function estimatedSecretBits(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...value].length;
  let bitsPerChar = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bitsPerChar -= p * Math.log2(p);
  }
  return length * bitsPerChar;
}

/** A run this long of consecutive characters (abcdef, 987654) is a pattern, not chance. */
const MAX_RUN = 6;
/** A substring this long seen twice is a repetition, not chance. */
const REPEAT_LENGTH = 8;

/**
 * Patterns that the frequency estimate cannot see: a run of consecutive characters
 * (`abcdefghij…`, `0123456789…`) or a repeated block (`0123456789abcdef` twice). In 64 random
 * base64 characters a run of 6 turns up about once in 20 million secrets and a repeated block of
 * 8 practically never, so a real `openssl rand` output is not refused by chance.
 */
export function secretPattern(value: string): string | undefined {
  const codes = [...value].map((char) => char.codePointAt(0) ?? 0);
  let up = 1;
  let down = 1;
  for (let i = 1; i < codes.length; i++) {
    up = codes[i] === codes[i - 1] + 1 ? up + 1 : 1;
    down = codes[i] === codes[i - 1] - 1 ? down + 1 : 1;
    if (up >= MAX_RUN || down >= MAX_RUN) return 'runs of consecutive characters';
  }
  const seen = new Set<string>();
  for (let i = 0; i + REPEAT_LENGTH <= value.length; i++) {
    const block = value.slice(i, i + REPEAT_LENGTH);
    if (seen.has(block)) return 'a repeated block';
    seen.add(block);
  }
  return undefined;
}
