/**
 * Operator commands:  npm run cli -- create-admin --email admin@example.com
 * The password is asked for (hidden) or read from standard input:
 *   printf '%s' "$ADMIN_PASSWORD" | npm run cli -- create-admin --email admin@example.com
 */
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config';
import { ConfigError } from '../config/config.error';
import { DomainError } from '../common/errors/domain.error';
import { EmbeddedDataDirInUseError, holdEmbeddedDataDir } from '../database/embedded/data-dir-lock';
import { canonicalEmail } from '../users/email';
import { UsersService } from '../users/users.service';
import { CliModule } from './cli.module';
import { readPassword } from './read-password';

const USAGE =
  'Usage: npm run cli -- create-admin --email <email>   (password from a prompt or stdin)';

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
  if (values.email === undefined) throw new UsageError('--email is required');
  const email = canonicalEmail(values.email);

  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  // Refuses at once while the service (or another command) has the embedded database open.
  await holdEmbeddedDataDir(config);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    const users = app.get(UsersService);
    const existing = await users.findByEmail(email);
    if (existing !== null) {
      if (!existing.roles.includes('admin'))
        await users.update(existing.id, { roles: [...existing.roles, 'admin'] });
      process.stdout.write(`${email} already exists; it has the admin role now.\n`);
      return;
    }
    const password = await readPassword(`Password for ${email}: `);
    const user = await users.create({ email, password, roles: ['user', 'admin'] });
    process.stdout.write(`Created admin ${user.email} (${user.id}).\n`);
  } finally {
    await app.close();
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'create-admin')
    throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  await createAdmin(args);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
  else if (
    error instanceof ConfigError ||
    error instanceof DomainError ||
    error instanceof EmbeddedDataDirInUseError
  )
    process.stderr.write(`${error.message}\n`);
  else if (
    error instanceof Error &&
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  )
    process.stderr.write(`${error.message}\n${USAGE}\n`);
  else throw error;
  process.exitCode = 1;
});
