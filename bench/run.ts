import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport, meetsGoal, saveReport } from './harness';

// Runs every bench/*.bench.ts (or those named on the command line), prints each figure against
// its goal and writes bench/results/<name>.json. Exit code 1 when a goal is missed.
// `npm run bench` builds first: the packages are measured as published (dist), not as sources
// run through tsx, which were about 15 % slower per turn.
const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

let missed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  const module = (await import(join(import.meta.dirname, file))) as {
    default: () => Promise<BenchReport>;
  };
  console.log(`\n${name}`);
  const report = await module.default();
  for (const m of report.measurements) {
    const goal = m.goal ? ` (goal ${m.goal.op} ${m.goal.value})` : '';
    const verdict = m.goal ? (meetsGoal(m) ? ' ok' : ' MISSED') : '';
    if (!meetsGoal(m)) missed++;
    console.log(`  ${m.name}: ${Number(m.value.toPrecision(4))} ${m.unit}${goal}${verdict}`);
  }
  for (const note of report.notes ?? []) console.log(`  note: ${note}`);
  console.log(`  -> ${saveReport(name, report)}`);
}
if (files.length === 0) console.log('no benchmarks matched');
process.exitCode = missed > 0 ? 1 : 0;
