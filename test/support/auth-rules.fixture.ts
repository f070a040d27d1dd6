import { Controller, Get, Module } from '@nestjs/common';
import { Auth } from '../../src/security/auth.decorator';

/**
 * Test-only routes, one per shape of access rule, including shapes no production route uses
 * yet: the guard's decision for each (principal, rule) pair is pinned down before one does.
 */
@Controller('test/rules')
export class AuthRulesFixtureController {
  @Get('any-user')
  @Auth()
  anyUser(): { ok: true } {
    return { ok: true };
  }

  @Get('any-user-or-key')
  @Auth({ apiKey: true })
  anyUserOrKey(): { ok: true } {
    return { ok: true };
  }

  @Get('admin')
  @Auth({ roles: ['admin'] })
  admin(): { ok: true } {
    return { ok: true };
  }

  /** Roles and keys, but no scope: no key can meet the rule, so none may pass. */
  @Get('admin-and-keys-without-scopes')
  @Auth({ roles: ['admin'], apiKey: true })
  adminAndKeysWithoutScopes(): { ok: true } {
    return { ok: true };
  }

  @Get('admin-or-scoped-key')
  @Auth({ roles: ['admin'], apiKey: true, scopes: ['metrics:read'] })
  adminOrScopedKey(): { ok: true } {
    return { ok: true };
  }

  /** A scope and no role: no user can meet the rule, so none may pass. */
  @Get('scoped-key-only')
  @Auth({ apiKey: true, scopes: ['metrics:read'] })
  scopedKeyOnly(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [AuthRulesFixtureController] })
export class AuthRulesFixtureModule {}
