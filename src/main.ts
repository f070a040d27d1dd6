import { existsSync } from 'node:fs';
import { loadConfig, type AppConfig } from './config/app-config';
import { ConfigError } from './config/config.error';
import { EmbeddedDataDirInUseError } from './database/embedded/data-dir-lock';
import { startServer } from './server';

function readConfig(): AppConfig {
  // Variables already in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

startServer(readConfig()).catch((error: unknown) => {
  // A configuration problem found while starting (keys, admin password), or an embedded database
  // another process has open, is a message, not a crash.
  if (error instanceof ConfigError || error instanceof EmbeddedDataDirInUseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
