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
