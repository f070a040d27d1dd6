import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { generatedSecret } from './generated-secret';

/**
 * The server's own MAC key (`TOKEN_SECRET`), for values the service hands out and must later
 * recognise as its own: refresh tokens, device cookies. Each use passes a purpose, and gets a
 * key of its own derived from the secret, so a MAC made for one purpose is worthless for another.
 * Instances of one deployment must share the secret; changing it invalidates what it signed.
 */
@Injectable()
export class ServerSecret implements OnModuleInit {
  private readonly logger = new Logger('ServerSecret');
  private readonly keys = new Map<string, Buffer>();
  private secret?: string;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.secret =
      this.config.tokenSecret ??
      (await generatedSecret(this.config.dataDir, 'token-secret', 'TOKEN_SECRET', this.logger));
  }

  /** HMAC-SHA-256 of the data under the purpose's key. */
  mac(purpose: string, data: string | Buffer): Buffer {
    return createHmac('sha256', this.keyFor(purpose)).update(data).digest();
  }

  /** Constant-time check of a MAC (or a prefix of one, at least 16 bytes) made by mac(). */
  verify(purpose: string, data: string | Buffer, tag: Buffer): boolean {
    if (tag.length < 16 || tag.length > 32) return false;
    const expected = this.mac(purpose, data).subarray(0, tag.length);
    return timingSafeEqual(expected, tag);
  }

  private keyFor(purpose: string): Buffer {
    let key = this.keys.get(purpose);
    if (key === undefined) {
      if (this.secret === undefined) throw new Error('ServerSecret used before module init');
      key = createHmac('sha256', this.secret).update(`auth-service/${purpose}`).digest();
      this.keys.set(purpose, key);
    }
    return key;
  }
}
