import type { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../config/config.error';

/**
 * A development secret kept in `DATA_DIR/<file>`: read when it exists, generated once (256
 * random bits) when it does not, so what it protects survives a restart. Production configures
 * its secrets instead (the configuration refuses to boot without them).
 */
export async function generatedSecret(
  dataDir: string,
  file: string,
  variable: string,
  logger: Logger,
): Promise<string> {
  const path = join(dataDir, file);
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    if (stored.length < 32) throw new ConfigError([`${path} holds a secret that is too short`]);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError([`${path} cannot be read: ${(error as Error).message}`]);
    }
  }
  logger.log(`No ${variable} configured: generating one into ${path} (development only)`);
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // `wx`: when two processes race on a fresh data dir, the second one fails and re-reads.
  try {
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return (await readFile(path, 'utf8')).trim();
    throw new ConfigError([`${path} cannot be written: ${(error as Error).message}`]);
  }
}
