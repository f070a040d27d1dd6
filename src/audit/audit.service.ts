import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { Repository } from 'typeorm';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { MetricsService } from '../common/metrics/metrics.service';
import { actorColumns, type AuditActor } from './audit-actor';
import { AuditEvent, type AuditDetails, type AuditEventType } from './audit-event.entity';
import { AuditBacklog, type DropReason } from './audit-backlog';
import { isTransientDatabaseError } from './transient-database-error';

export interface AuditEntry {
  type: AuditEventType;
  userId?: string | null;
  /** Who acted, when it is not the user concerned (an admin, an API key, the service itself). */
  actor?: AuditActor;
  reason?: string;
  details?: AuditDetails;
}

/**
 * Writes audit events as part of the request they describe, so that a graceful shutdown, which
 * lets in-flight requests finish before the database closes, loses none. A write that fails
 * because the database does not answer never fails the request: the event waits in a bounded
 * in-memory queue and is written, in order, once the database is back (see AuditBacklog).
 *
 * Each event is stamped when it happens, not when it is written, and stamps of this instance
 * strictly increase, so `created_at` keeps the order of events across an outage.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly backlog: AuditBacklog<AuditEvent>;
  private readonly dropped: Counter<'reason'>;
  private lastStamp = 0;

  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    @InjectConfig() config: AppConfig,
    metrics: MetricsService,
    private readonly background: BackgroundTasks,
  ) {
    this.dropped = new Counter({
      name: 'auth_audit_events_dropped_total',
      help: 'Audit events that could not be written and were given up, by reason',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
    // Present from the start, so that alerts on the rate see 0 rather than nothing.
    for (const reason of ['queue_full', 'rejected', 'shutdown'] satisfies DropReason[])
      this.dropped.inc({ reason }, 0);
    this.backlog = new AuditBacklog<AuditEvent>({
      limit: config.audit.queueLimit,
      write: async (batch) => {
        await this.events.insert(batch);
      },
      isTransient: isTransientDatabaseError,
      onDropped: (count, reason) => this.dropped.inc({ reason }, count),
      log: this.logger,
    });
    const backlog = this.backlog;
    new Gauge({
      name: 'auth_audit_events_queued',
      help: 'Audit events held in memory until the database answers again',
      registers: [metrics.registry],
      collect() {
        this.set(backlog.size);
      },
    });
  }

  async record(entry: AuditEntry, meta?: RequestMeta): Promise<void> {
    const event = this.events.create({
      type: entry.type,
      userId: entry.userId ?? null,
      ...actorColumns(entry.actor),
      reason: entry.reason ?? null,
      details: entry.details ?? null,
      ip: meta?.ip ?? null,
      userAgent: meta?.userAgent ?? null,
      requestId: meta?.requestId ?? null,
      createdAt: this.stamp(),
    });
    // During an outage, new events join the queue rather than each wait on a dead database.
    if (this.backlog.size > 0) {
      this.backlog.add(event);
      return;
    }
    try {
      await this.events.insert(event);
    } catch (error) {
      if (isTransientDatabaseError(error)) {
        this.backlog.add(event, error);
        return;
      }
      this.dropped.inc({ reason: 'rejected' });
      this.logger.error(
        `Audit event ${entry.type} was refused by the database: ${(error as Error).message}`,
      );
    }
  }

  /** Writes what is queued now (tests and operators); resolves true when nothing is left. */
  flush(): Promise<boolean> {
    return this.backlog.flush();
  }

  get queued(): number {
    return this.backlog.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Background work (mail requests, bookkeeping) may still record events: let it finish first.
    await this.background.settled();
    await this.backlog.close();
  }

  /** Now, or 1 ms after the previous event when the clock has not moved (or went back). */
  private stamp(): Date {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp);
  }
}
