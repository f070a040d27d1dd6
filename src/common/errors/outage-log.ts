import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DependencyUnavailableError } from './dependency-unavailable.error';

type Dependency = DependencyUnavailableError['dependency'];

/** Resolves when the dependency answers, rejects otherwise (the health checks' probes). */
export type OutageProbes = Record<Dependency, () => Promise<void>>;

const NAMES: Record<Dependency, string> = { database: 'PostgreSQL', redis: 'Redis' };
/** How often a dependency that is down is probed, to say when it is back. */
export const OUTAGE_PROBE_INTERVAL_MS = 1_000;

interface Outage {
  since: number;
  refused: number;
}

/**
 * An outage of PostgreSQL or Redis in two log lines, not one per refused request: a warning when
 * the first request is refused with 503, and one when the dependency answers again, with how
 * long it lasted and how many requests were refused. Each refused request still has its access
 * line (status 503). While an outage is open the dependency is probed once a second. Built by
 * the composition root (app.module.ts), which hands it the health checks' probes.
 */
export class OutageLog implements OnModuleDestroy {
  private readonly logger = new Logger('Outage');
  private readonly open = new Map<Dependency, Outage>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly probes: OutageProbes,
    private readonly now: () => number = Date.now,
  ) {}

  /** A request was refused with 503 because `error.dependency` did not answer. */
  refused(error: DependencyUnavailableError): void {
    const outage = this.open.get(error.dependency);
    if (outage !== undefined) {
      outage.refused += 1;
      return;
    }
    this.open.set(error.dependency, { since: this.now(), refused: 1 });
    this.logger.warn(
      `${NAMES[error.dependency]} unavailable (${causeOf(error)}): requests that need it are refused with 503 until it answers`,
    );
    this.timer ??= setInterval(() => void this.probeOpen(), OUTAGE_PROBE_INTERVAL_MS).unref();
  }

  /** Probes every dependency that is down; closes the outage of each that answers. */
  async probeOpen(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      for (const [dependency, outage] of [...this.open]) {
        const back = await this.probes[dependency]().then(
          () => true,
          () => false,
        );
        if (!back) continue;
        this.open.delete(dependency);
        const seconds = ((this.now() - outage.since) / 1000).toFixed(1);
        this.logger.warn(
          `${NAMES[dependency]} answers again after ${seconds} s; ${outage.refused} request(s) were refused meanwhile`,
        );
      }
    } finally {
      this.probing = false;
      if (this.open.size === 0) this.stop();
    }
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function causeOf(error: DependencyUnavailableError): string {
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause === '' ? 'no answer' : cause;
}
