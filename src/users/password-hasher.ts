import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { PASSWORD_MAX_BYTES } from './password-policy';

/** bcrypt reads at most 72 bytes and stops at a NUL: past either, input would be ignored. */
function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES && !password.includes('\u0000');
}

/**
 * bcrypt at the configured cost. bcrypt's async functions run on libuv's thread pool, so hashing
 * never blocks the event loop.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    // Compared against when the email is unknown, so that answer takes as long as a wrong password.
    this.dummyHash = await this.hash(randomBytes(16).toString('hex'));
  }

  async hash(password: string): Promise<string> {
    // The policy refuses these first; hashing one anyway would store a hash of its first 72 bytes.
    if (!fitsBcrypt(password)) throw new RangeError('password not fit for bcrypt');
    return bcrypt.hash(password, this.config.passwords.bcryptRounds);
  }

  /**
   * bcrypt reads only the first 72 bytes, so a longer password would match whenever its first 72
   * bytes do. No stored password is longer (the policy refuses it), so it is simply wrong: it
   * costs one comparison like any wrong password and answers false, and every caller (login,
   * password change) counts it as the failure it is.
   */
  async verify(password: string, hash: string): Promise<boolean> {
    if (!fitsBcrypt(password)) return this.verifyNothing(password);
    return bcrypt.compare(password, hash);
  }

  /** Spends the time of one verification and answers false: for unknown accounts. */
  async verifyNothing(password: string): Promise<false> {
    await bcrypt.compare(password, this.dummyHash);
    return false;
  }
}
