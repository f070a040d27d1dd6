import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { generatedSecret } from '../common/crypto/generated-secret';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';

/**
 * The HMAC key that API key secrets are hashed under: `API_KEY_PEPPER`, required in production.
 * Without it (development), one is generated once into `DATA_DIR` and reused, so keys survive
 * a restart. Instances that share a database must share the pepper.
 */
@Injectable()
export class ApiKeyPepper implements OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private pepper?: string;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get value(): string {
    if (this.pepper === undefined) throw new Error('ApiKeyPepper used before module init');
    return this.pepper;
  }

  async onModuleInit(): Promise<void> {
    this.pepper =
      this.config.apiKeys.pepper ??
      (await generatedSecret(this.config.dataDir, 'api-key-pepper', 'API_KEY_PEPPER', this.logger));
  }
}
