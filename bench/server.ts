/** The real service, started the way `npm start` starts it, with the benchmark's route mounted. */
import { Module } from '@nestjs/common';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { ConfigError } from '../src/config/config.error';
import { startServer } from '../src/server';
import { BenchModule } from './bench.module';

@Module({})
class BenchRootModule {}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await startServer(config, {
    module: BenchRootModule,
    imports: [AppModule.forRoot(config), BenchModule],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench server failed: ${error instanceof ConfigError ? error.message : String(error)}\n`,
  );
  if (error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
