import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured figure, compared with its goal from quality-bars.md. */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  /** The goal, e.g. `<= 0.1`; omitted for figures reported without a goal. */
  goal?: { op: '<=' | '>='; value: number };
}

/** What one benchmark file reports. */
export interface BenchReport {
  /** Which storage backend the figures were taken on (`memory`, `pglite`, `postgres`). */
  backend: string;
  measurements: Measurement[];
  notes?: string[];
}

/** Whether a measurement meets its goal (true when it has none). */
export function meetsGoal(measurement: Measurement): boolean {
  const goal = measurement.goal;
  if (!goal) return true;
  return goal.op === '<=' ? measurement.value <= goal.value : measurement.value >= goal.value;
}

/** The median of some numbers (0 for none). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank) of some numbers (0 for none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Writes a report to `bench/results/<name>.json` with the commit, Node version and date. */
export function saveReport(name: string, report: BenchReport): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const record = {
    benchmark: name,
    commit: commit(),
    node: process.version,
    date: new Date().toISOString(),
    ...report,
    measurements: report.measurements.map((m) => ({ ...m, meetsGoal: meetsGoal(m) })),
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
