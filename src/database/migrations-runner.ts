import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

// Any constant works; it only has to be the same for every instance of this service.
const MIGRATION_LOCK_ID = 727_274_001;

/**
 * Runs pending migrations, under a PostgreSQL advisory lock so that instances that boot together
 * take turns instead of racing to create the same tables.
 */
export async function runMigrations(
  dataSource: DataSource,
  options: { lock: boolean },
): Promise<void> {
  const logger = new Logger('Migrations');
  const report = (applied: { name: string }[]) => {
    if (applied.length > 0)
      logger.log(
        `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
      );
  };
  // The embedded server has one process and a pool of one connection: nothing to race with,
  // and a lock held on that one connection would leave none for the migrations.
  if (!options.lock) return report(await dataSource.runMigrations({ transaction: 'each' }));

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      report(await dataSource.runMigrations({ transaction: 'each' }));
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
