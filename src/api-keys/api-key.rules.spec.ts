import type { DomainError } from '../common/errors/domain.error';
import { RequestValidationError } from '../common/errors/request-validation.error';
import { ApiKeyNotActiveError } from './api-key.errors';
import { apiKeyStatus, checkNewKeyExpiry, rotationEnd } from './api-key.rules';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const at = (offsetMs: number): Date => new Date(NOW + offsetMs);
const key = (
  fields: Partial<{ revokedAt: Date | null; expiresAt: Date | null; replacedById: string | null }>,
) => ({ revokedAt: null, expiresAt: null, replacedById: null, ...fields });

function thrown(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('the API key lifetime rules', () => {
  describe('apiKeyStatus', () => {
    it('is active without revocation or expiry', () => {
      expect(apiKeyStatus(key({}), NOW)).toBe('active');
    });

    it('is active until the instant of expiry, expired from it on', () => {
      expect(apiKeyStatus(key({ expiresAt: at(1) }), NOW)).toBe('active');
      expect(apiKeyStatus(key({ expiresAt: at(0) }), NOW)).toBe('expired');
      expect(apiKeyStatus(key({ expiresAt: at(-1) }), NOW)).toBe('expired');
    });

    it('is revoked once revoked, whatever the expiry says', () => {
      expect(apiKeyStatus(key({ revokedAt: at(-1) }), NOW)).toBe('revoked');
      expect(apiKeyStatus(key({ revokedAt: at(-1), expiresAt: at(-1) }), NOW)).toBe('revoked');
      expect(apiKeyStatus(key({ revokedAt: at(-1), expiresAt: at(60_000) }), NOW)).toBe('revoked');
    });
  });

  describe('checkNewKeyExpiry', () => {
    it('accepts no expiry and a future one', () => {
      expect(() => checkNewKeyExpiry(undefined, NOW)).not.toThrow();
      expect(() => checkNewKeyExpiry(at(1), NOW)).not.toThrow();
    });

    it.each([0, -1, -86_400_000])('refuses an expiry %d ms from now, naming the field', (ms) => {
      const error = thrown(() => checkNewKeyExpiry(at(ms), NOW));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.details).toEqual([{ field: 'expiresAt', problem: 'must be in the future' }]);
    });
  });

  describe('rotationEnd', () => {
    it('ends the old key at once without grace', () => {
      expect(rotationEnd(key({}), 0, NOW)).toEqual(at(0));
    });

    it('keeps the old key for the grace', () => {
      expect(rotationEnd(key({}), 300, NOW)).toEqual(at(300_000));
    });

    it('never extends a key past its own expiry', () => {
      expect(rotationEnd(key({ expiresAt: at(60_000) }), 300, NOW)).toEqual(at(60_000));
      expect(rotationEnd(key({ expiresAt: at(600_000) }), 300, NOW)).toEqual(at(300_000));
    });

    it.each([
      ['revoked', key({ revokedAt: at(-1) })],
      ['expired', key({ expiresAt: at(0) })],
      ['already rotated', key({ replacedById: 'successor000000' })],
    ])('refuses a key that is %s (409)', (state, old) => {
      const error = thrown(() => rotationEnd(old, 0, NOW));
      expect(error).toBeInstanceOf(ApiKeyNotActiveError);
      expect(error).toMatchObject({ kind: 'conflict', code: 'api_key_not_active' });
      expect(error.message).toBe(`This API key cannot be rotated: it is ${state}`);
    });
  });
});
