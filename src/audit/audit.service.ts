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
 * Writes audit events as part of the request they describe, so that a graceful shutdown, which
 * lets in-flight requests finish before the database closes, loses none. A failed write is
 * logged and never fails the request.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(entry: AuditEntry, meta?: RequestMeta): Promise<void> {
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
    try {
      await this.events.insert(event);
    } catch (error) {
      this.logger.warn(`Audit event ${entry.type} was not written: ${(error as Error).message}`);
    }
  }
}
