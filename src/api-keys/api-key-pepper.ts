import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ConfigError } from '../config/config.error';

const PEPPER_FILE = 'api-key-pepper';

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
    this.pepper = this.config.apiKeys.pepper ?? (await this.generatedPepper());
  }

  private async generatedPepper(): Promise<string> {
    const file = join(this.config.dataDir, PEPPER_FILE);
    try {
      const stored = (await readFile(file, 'utf8')).trim();
      if (stored.length < 32) throw new ConfigError([`${file} holds a pepper that is too short`]);
      return stored;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError([`${file} cannot be read: ${(error as Error).message}`]);
      }
    }
    this.logger.warn(
      `No API_KEY_PEPPER configured: generating one into ${file} (development only)`,
    );
    const pepper = randomBytes(32).toString('base64url');
    await mkdir(this.config.dataDir, { recursive: true, mode: 0o700 });
    // `wx`: when two processes race on a fresh data dir, the second one fails and re-reads.
    try {
      await writeFile(file, `${pepper}\n`, { mode: 0o600, flag: 'wx' });
      return pepper;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        return (await readFile(file, 'utf8')).trim();
      throw new ConfigError([`${file} cannot be written: ${(error as Error).message}`]);
    }
  }
}
