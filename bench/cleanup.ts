import { progress } from './progress';

/** What the run must undo, undone in reverse order even when the run failed. */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];
  private done = false;

  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }

  async runAll(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const task of this.tasks.reverse()) {
      try {
        await task.run();
        progress(`cleanup: ${task.name}`);
      } catch (error) {
        progress(`cleanup: ${task.name} FAILED: ${String(error)}`);
      }
    }
  }
}
