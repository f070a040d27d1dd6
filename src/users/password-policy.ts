import { Injectable } from '@nestjs/common';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt reads only the first 72 bytes of its input. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_SCORE = 3;

/**
 * OWASP ASVS 6.2: a length floor, no composition rules, and a strength estimate (zxcvbn) that
 * refuses common and guessable passwords, the user's own email and name included.
 */
@Injectable()
export class PasswordPolicy {
  private readonly zxcvbn = new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  });

  /** The reason the password is refused, or null when it is acceptable. */
  problem(password: string, context: { email: string; name?: string | null }): string | null {
    if ([...password].length < PASSWORD_MIN_LENGTH) {
      return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
    }
    // Refuse rather than truncate: bcrypt would silently ignore everything past byte 72.
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
      return `must be at most ${PASSWORD_MAX_BYTES} bytes long (characters outside ASCII take 2 to 4 bytes)`;
    }
    const localPart = context.email.split('@')[0];
    const nameParts = context.name ? context.name.toLowerCase().split(/\s+/) : [];
    // Also the joined forms people build passwords from: "alice.smith" -> "alicesmith".
    const inputs = [
      context.email,
      localPart,
      localPart.replace(/[^\p{L}\p{N}]/gu, ''),
      ...nameParts,
      nameParts.join(''),
    ];
    const result = this.zxcvbn.check(password, inputs);
    if (result.score >= PASSWORD_MIN_SCORE) return null;
    const reasons = [result.feedback.warning, ...result.feedback.suggestions].filter(
      (text): text is string => typeof text === 'string' && text !== '',
    );
    return `is too easy to guess${reasons.length > 0 ? `: ${reasons.join(' ')}` : ''}`;
  }
}
