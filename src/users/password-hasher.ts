import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';

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

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.passwords.bcryptRounds);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the time of one verification and answers false: for unknown accounts. */
  async verifyNothing(password: string): Promise<false> {
    await bcrypt.compare(password, this.dummyHash);
    return false;
  }
}
