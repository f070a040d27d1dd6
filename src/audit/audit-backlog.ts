/** Why an audit event was given up: counted by reason in auth_audit_events_dropped_total. */
export type DropReason = 'queue_full' | 'rejected' | 'shutdown';

export interface AuditBacklogOptions<T> {
  /** Most events held at once; past it new events are dropped (the oldest are the ones kept). */
  limit: number;
  /** Writes a batch, in order, or throws. */
  write: (events: T[]) => Promise<void>;
  /** Whether a write failure may pass (the database is unreachable) rather than be about the events. */
  isTransient: (error: unknown) => boolean;
  onDropped: (count: number, reason: DropReason) => void;
  log: {
    log: (message: string) => void;
    warn: (message: string) => void;
    error: (message: string) => void;
  };
  /** First and longest wait between two attempts while the database is unreachable. */
  retry?: { initialMs: number; maxMs: number };
}

const BATCH = 100;

/**
 * Audit events that could not be written, held in memory in the order they happened and written
 * in that order once the database answers again (retried in the background with a growing wait).
 * Bounded: an outage cannot exhaust memory; what does not fit is counted, with one log line per
 * outage rather than one per event.
 */
export class AuditBacklog<T> {
  private readonly events: T[] = [];
  private timer?: NodeJS.Timeout;
  private waitMs: number;
  private flushing?: Promise<boolean>;
  private droppedThisOutage = 0;
  private closed = false;

  constructor(private readonly options: AuditBacklogOptions<T>) {
    this.waitMs = this.retry.initialMs;
  }

  private get retry(): { initialMs: number; maxMs: number } {
    return this.options.retry ?? { initialMs: 500, maxMs: 10_000 };
  }

  get size(): number {
    return this.events.length;
  }

  /** Queues an event that could not be written (`cause` says why, for the first log line). */
  add(event: T, cause?: unknown): void {
    if (this.closed) {
      this.options.onDropped(1, 'shutdown');
      return;
    }
    if (this.events.length === 0 && this.droppedThisOutage === 0) {
      this.options.log.warn(
        `Audit events are held in memory (at most ${this.options.limit}) until the database answers again: ${describe(cause)}`,
      );
    }
    if (this.events.length >= this.options.limit) {
      if (this.droppedThisOutage === 0) {
        this.options.log.error(
          `The audit queue is full (${this.options.limit} events): further events are dropped until the database answers again`,
        );
      }
      this.droppedThisOutage += 1;
      this.options.onDropped(1, 'queue_full');
    } else {
      this.events.push(event);
    }
    this.schedule();
  }

  /** One attempt to write everything held, oldest first. Resolves true when nothing is left. */
  flush(): Promise<boolean> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** At shutdown: one last attempt; what is still held then is lost, counted and logged. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.events.length > 0) {
      const lost = this.events.splice(0).length;
      this.options.onDropped(lost, 'shutdown');
      this.options.log.error(
        `${lost} audit events could not be written before shutdown (the database did not answer)`,
      );
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed || this.events.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then((done) => {
        if (done) return;
        this.waitMs = Math.min(this.waitMs * 2, this.retry.maxMs);
        this.schedule();
      });
    }, this.waitMs);
    this.timer.unref();
  }

  private async writeAll(): Promise<boolean> {
    let written = 0;
    let rejected = 0;
    try {
      while (this.events.length > 0) {
        const batch = this.events.slice(0, BATCH);
        try {
          await this.options.write(batch);
          this.events.splice(0, batch.length);
          written += batch.length;
        } catch (error) {
          if (this.options.isTransient(error)) return false;
          // Something in the batch itself is refused: write one at a time, keep the rest.
          const outcome = await this.writeOneByOne(batch);
          written += outcome.written;
          rejected += outcome.rejected;
          if (!outcome.complete) return false;
        }
      }
    } finally {
      this.report(written, rejected);
    }
    this.waitMs = this.retry.initialMs;
    if (this.droppedThisOutage > 0 && written > 0) {
      this.options.log.warn(
        `${this.droppedThisOutage} audit events were dropped while the database did not answer (the queue was full)`,
      );
    }
    this.droppedThisOutage = 0;
    return true;
  }

  private async writeOneByOne(
    batch: T[],
  ): Promise<{ written: number; rejected: number; complete: boolean }> {
    let written = 0;
    let rejected = 0;
    for (const event of batch) {
      try {
        await this.options.write([event]);
        written += 1;
      } catch (error) {
        if (this.options.isTransient(error)) return { written, rejected, complete: false };
        rejected += 1;
        this.options.onDropped(1, 'rejected');
      }
      this.events.shift();
    }
    return { written, rejected, complete: true };
  }

  private report(written: number, rejected: number): void {
    if (written > 0)
      this.options.log.log(`Wrote ${written} queued audit events (${this.size} still queued)`);
    if (rejected > 0)
      this.options.log.error(`${rejected} queued audit events were refused by the database`);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : 'the write failed';
}
