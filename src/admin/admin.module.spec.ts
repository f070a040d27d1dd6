import { Test } from '@nestjs/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getRepositoryToken } from '@nestjs/typeorm';
import { ApiKey } from '../api-keys/api-key.entity';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditEvent } from '../audit/audit-event.entity';
import { MemoryAuditEvents } from '../audit/memory-audit-events.fixture';
import { LoginService } from '../auth/login.service';
import { loadConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { User } from '../users/user.entity';
import { AdminModule } from './admin.module';
import { AdminUsersService } from './admin-users.service';

/**
 * Every feature module names what its providers inject: the admin module, which reaches auth,
 * API keys, tokens, users, audit, mail, rate limiting, state and metrics, compiles on its own
 * beside the one global module (configuration). The tables are the one thing the root provides
 * (TypeORM's data source); they are stood in for here, since only the wiring is under test.
 * Compiled, not initialised: nothing connects, nothing is written.
 */
const SRC = join(__dirname, '..');

function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return moduleFiles(path);
    return entry.name.endsWith('.module.ts') ? [relative(SRC, path)] : [];
  });
}

describe('explicit module imports', () => {
  it('makes only the configuration global', () => {
    const global = moduleFiles(SRC).filter((file) =>
      /@Global\(\)|global:\s*true/.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(global).toEqual(['config/config.module.ts']);
  });

  it('compiles the admin feature with nothing global but the configuration', async () => {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ NODE_ENV: 'test' })), AdminModule],
    })
      .overrideProvider(getRepositoryToken(User))
      .useValue({})
      .overrideProvider(getRepositoryToken(ApiKey))
      .useValue({})
      .overrideProvider(getRepositoryToken(AuditEvent))
      .useValue(new MemoryAuditEvents())
      .compile();
    expect(module.get(AdminUsersService)).toBeInstanceOf(AdminUsersService);
    expect(module.get(LoginService, { strict: false })).toBeInstanceOf(LoginService);
    expect(module.get(ApiKeysService, { strict: false })).toBeInstanceOf(ApiKeysService);
    await module.close();
  });
});
