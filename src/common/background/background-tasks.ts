import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

/**
 * Work that must not hold up the answer (mail, bookkeeping): started now, its failure logged and
 * never thrown, and awaited before shutdown so that a graceful stop loses none of it.
 */
@Injectable()
export class BackgroundTasks implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Background');
  private readonly pending = new Set<Promise<void>>();

  run(name: string, work: () => Promise<unknown>): void {
    const task = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (error: Error) => this.logger.warn(`${name} failed: ${error.message}`),
      );
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolves when everything started so far has finished (tests use it to wait for mail). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }
}
