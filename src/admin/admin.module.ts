import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { BootstrapAdmin } from './bootstrap-admin';

@Module({
  imports: [UsersModule, AuthModule, TokensModule, AuditModule],
  controllers: [AdminUsersController],
  providers: [AdminUsersService, BootstrapAdmin],
})
export class AdminModule {}
