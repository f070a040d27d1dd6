import { ApiKey } from './api-keys/api-key.entity';
import { AuditEvent } from './audit/audit-event.entity';
import { User } from './users/user.entity';

/**
 * Every entity, listed once for the application and the migration CLI alike. Explicit imports
 * (rather than a glob) work the same under ts-node, Jest and the compiled build.
 */
export const ENTITIES = [User, AuditEvent, ApiKey];
