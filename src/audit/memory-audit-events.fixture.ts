import { AuditEvent } from './audit-event.entity';

/**
 * The `audit_events` table in process memory, behind the two Repository methods AuditService
 * uses (create, insert): policy specs read back the events a flow wrote.
 */
export class MemoryAuditEvents {
  readonly rows: AuditEvent[] = [];

  create(fields: Partial<AuditEvent>): AuditEvent {
    return Object.assign(new AuditEvent(), fields);
  }

  insert(events: AuditEvent | AuditEvent[]): Promise<void> {
    this.rows.push(...(Array.isArray(events) ? events : [events]));
    return Promise.resolve();
  }

  /** The events of one type, oldest first. */
  ofType(type: string): AuditEvent[] {
    return this.rows.filter((event) => event.type === type);
  }
}
