/** Thrown at boot when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
        'See .env.example for every variable, its default and its meaning.',
    );
    this.name = 'ConfigError';
  }
}
