import type { Measurement } from './load';

/** One row of the goals table: a ratio against a baseline of this run, and its goal. */
export interface Figure {
  figure: string;
  measured: string;
  ratio: number | null;
  goal: string;
  met: boolean | null;
  /** Why the figure is not to be trusted as is (errors, non-2xx), or why it was skipped. */
  note?: string;
}

export function atLeast(
  figure: string,
  measured: string,
  ratio: number,
  min: number,
  goal: string,
  sources: Measurement[],
): Figure {
  return withFlags({ figure, measured, ratio, goal, met: ratio >= min }, sources);
}

export function atMost(
  figure: string,
  measured: string,
  ratio: number,
  max: number,
  goal: string,
  sources: Measurement[],
): Figure {
  return withFlags({ figure, measured, ratio, goal, met: ratio <= max }, sources);
}

function withFlags(figure: Figure, sources: Measurement[]): Figure {
  const flagged = sources.filter((m) => m.flagged).map((m) => m.name);
  return flagged.length === 0 ? figure : { ...figure, note: `flagged: ${flagged.join(', ')}` };
}

export const rps = (m: Measurement): string => `${m.requestsPerSecond.toFixed(0)} req/s`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function goalsTable(figures: Figure[]): string {
  return table(
    ['figure', 'measured', 'ratio', 'goal', 'met?'],
    figures.map((f) => [
      f.figure,
      f.measured,
      f.ratio === null ? '—' : f.ratio.toFixed(2),
      f.goal,
      `${f.met === null ? 'n/a' : f.met ? 'yes' : 'NO'}${f.note === undefined ? '' : ` (${f.note})`}`,
    ]),
  );
}

export function routesTable(measurements: Measurement[]): string {
  return table(
    [
      'measurement',
      'route',
      'connections',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server CPU',
      'CPU µs/req',
      '2xx',
      'non-2xx',
      'errors',
    ],
    measurements.map((m) => [
      m.name,
      m.route,
      m.overallRate === undefined ? String(m.connections) : `${m.connections} @ ${m.overallRate}/s`,
      m.requestsPerSecond.toFixed(0),
      String(m.p50Ms),
      String(m.p99Ms),
      m.serverCpuShare === undefined ? '—' : `${(m.serverCpuShare * 100).toFixed(0)} %`,
      m.cpuUsPerRequest === undefined ? '—' : m.cpuUsPerRequest.toFixed(1),
      String(m.ok),
      m.flagged ? `${m.non2xx} ⚠ ${JSON.stringify(m.statusCodes)}` : String(m.non2xx),
      m.flagged ? `${m.errors} ⚠ (${m.timeouts} timeouts)` : String(m.errors),
    ]),
  );
}
