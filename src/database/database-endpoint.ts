import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded/embedded-postgres';

/**
 * Where PostgreSQL is: DATABASE_URL, or an embedded PGlite server started for this process.
 * Its shutdown hook stops the embedded server after the data source has closed.
 */
export class DatabaseEndpoint implements OnApplicationShutdown {
  private static readonly logger = new Logger('Database');

  private constructor(
    readonly url: string,
    readonly embedded: EmbeddedPostgres | undefined,
    private readonly beforeStop: () => Promise<void>,
  ) {}

  static async open(config: AppConfig, beforeStop: () => Promise<void>): Promise<DatabaseEndpoint> {
    if (config.database.url !== undefined)
      return new DatabaseEndpoint(config.database.url, undefined, beforeStop);
    const dataDir = config.database.embeddedDataDir;
    DatabaseEndpoint.logger.log(
      `Starting the embedded PostgreSQL (PGlite) with data in ${dataDir}`,
    );
    const embedded = await EmbeddedPostgres.start(dataDir);
    return new DatabaseEndpoint(embedded.url, embedded, beforeStop);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.embedded === undefined) return;
    await this.beforeStop();
    await this.embedded.stop();
  }
}
