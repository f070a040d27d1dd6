import { BeforeApplicationShutdown, Injectable, OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { BackgroundTasks } from '../common/background/background-tasks';
import { MetricsService } from '../common/metrics/metrics.service';
import { ApiKeyRepository } from './api-key.repository';

/** Why a presented key with a known id was refused. */
export type RefusalReason =
  'bad_secret' | 'revoked' | 'expired' | 'insufficient_scope' | 'rate_limited';

const LAST_USED_EVERY_MS = 60_000;
const REFUSALS_FLUSH_EVERY_MS = 60_000;

/**
 * Bookkeeping that must never slow a request down: `last_used_at` is written at most once a
 * minute per key, and refused uses are counted in memory and written as one `api_key.refused`
 * audit event per key and minute (a key under attack cannot flood the audit table). Both are
 * flushed before shutdown.
 */
@Injectable()
export class ApiKeyUsage implements OnModuleInit, BeforeApplicationShutdown {
  private readonly lastWritten = new Map<string, number>();
  private refusals = new Map<string, Partial<Record<RefusalReason, number>>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly background: BackgroundTasks,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => this.background.run('Writing API key refusals', () => this.flushRefusals()),
      REFUSALS_FLUSH_EVERY_MS,
    );
    this.timer.unref();
  }

  /** A successful use. */
  used(id: string, now = Date.now()): void {
    const last = this.lastWritten.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.lastWritten.set(id, now);
    this.background.run(`Writing last_used_at of key ${id}`, async () => {
      try {
        await this.keys.touchLastUsed(id, new Date(now));
      } catch (error) {
        this.lastWritten.delete(id); // try again on the next use
        throw error;
      }
    });
  }

  refused(id: string, reason: RefusalReason): void {
    this.metrics.apiKeyRefusals.inc({ reason });
    const counts = this.refusals.get(id) ?? {};
    counts[reason] = (counts[reason] ?? 0) + 1;
    this.refusals.set(id, counts);
  }

  /** Writes the counted refusals now (also called by the timer and before shutdown). */
  async flushRefusals(): Promise<void> {
    const batch = this.refusals;
    this.refusals = new Map();
    for (const [id, counts] of batch) {
      const count = Object.values(counts).reduce((sum, n) => sum + n, 0);
      await this.audit.record({
        type: 'api_key.refused',
        actor: { type: 'api_key', id },
        details: { keyId: id, count, ...counts },
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushRefusals();
  }
}
