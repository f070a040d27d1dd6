import {
  apiKeySecretMatches,
  generateApiKey,
  hashApiKeySecret,
  KEY_ID_LENGTH,
  parseApiKey,
  SECRET_LENGTH,
} from './api-key-format';

const PEPPER = 'a-pepper-of-at-least-32-characters-long';

describe('API key format', () => {
  it('is <prefix>_<keyId>_<secret><checksum> and parses back', () => {
    const { key, keyId, secret } = generateApiKey('sk');
    expect(key).toMatch(
      new RegExp(`^sk_[0-9A-Za-z]{${KEY_ID_LENGTH}}_[0-9A-Za-z]{${SECRET_LENGTH + 6}}$`),
    );
    expect(parseApiKey(key)).toEqual({ prefix: 'sk', keyId, secret });
  });

  it('is different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey('sk').key));
    expect(keys.size).toBe(100);
  });

  it('refuses a key with one character changed (the checksum catches typos)', () => {
    const { key } = generateApiKey('sk');
    const position = key.length - 10;
    const swapped = key[position] === 'a' ? 'b' : 'a';
    expect(parseApiKey(key.slice(0, position) + swapped + key.slice(position + 1))).toBeNull();
  });

  it.each([[''], ['sk_'], ['garbage'], ['x'.repeat(10_000)], ['sk_short_secret']])(
    'refuses %j',
    (raw) => {
      expect(parseApiKey(raw)).toBeNull();
    },
  );

  it('keeps the prefix, which the checksum covers', () => {
    const { key } = generateApiKey('pk');
    expect(parseApiKey(key)?.prefix).toBe('pk');
    expect(parseApiKey(`sk${key.slice(2)}`)).toBeNull();
  });

  it('stores a keyed hash that only the same secret and pepper match', () => {
    const { secret } = generateApiKey('sk');
    const hash = hashApiKeySecret(secret, PEPPER);
    expect(hash).not.toContain(secret);
    expect(apiKeySecretMatches(secret, hash, PEPPER)).toBe(true);
    expect(apiKeySecretMatches(generateApiKey('sk').secret, hash, PEPPER)).toBe(false);
    expect(apiKeySecretMatches(secret, hash, `${PEPPER}!`)).toBe(false);
    expect(apiKeySecretMatches(secret, 'short', PEPPER)).toBe(false);
  });
});
