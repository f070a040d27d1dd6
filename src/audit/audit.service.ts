import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { RequestMeta } from '../common/http/request-meta';
import { AuditEvent, type AuditDetails, type AuditEventType } from './audit-event.entity';

export interface AuditEntry {
  type: AuditEventType;
  userId?: string | null;
  actorId?: string | null;
  reason?: string;
  details?: AuditDetails;
}

/**
 * Writes audit events off the request path: the answer never waits for them, and a failed write
 * is logged rather than failing the request it describes.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private pending = new Set<Promise<void>>();

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  record(entry: AuditEntry, meta?: RequestMeta): void {
    const event = this.events.create({
      type: entry.type,
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? null,
      reason: entry.reason ?? null,
      details: entry.details ?? null,
      ip: meta?.ip ?? null,
      userAgent: meta?.userAgent ?? null,
      requestId: meta?.requestId ?? null,
    });
    const write = this.events.insert(event).then(
      () => undefined,
      (error: Error) =>
        this.logger.warn(`Audit event ${entry.type} was not written: ${error.message}`),
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves once every event recorded so far is written (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Before the database closes (requests still in flight may add a few more, best effort). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
