import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerTurns, type Figures, getSession } from '../http-api.bench';
import { withThrowawayDatabase } from '../support';
import { foldedStacks, hotFrames } from './cpu-profile';
import { flameGraphSvg } from './flame-graph';

// Where the server's time goes (issue 21): the full server under the http-api bench's load,
// with `--cpu-prof`, then the busiest functions and a flame graph.
//   node --import tsx bench/profile/run.ts get|answer|floor [label]
// writes docs/images/flame-<get|answer>[-label].svg and prints the top frames.
// Run `npm run build` first: the packages are profiled as published.

const [what = 'get', label] = process.argv.slice(2);
if (!['get', 'answer', 'floor'].includes(what))
  throw new Error('usage: run.ts get|answer|floor [label]');
const dir = await mkdtemp(join(tmpdir(), 'uaip-prof-'));
try {
  const figures: Figures = await withThrowawayDatabase(async (DATABASE_URL) => {
    const env = {
      DATABASE_URL,
      BENCH_VARIANT: what === 'floor' ? 'floor' : 'full',
      BENCH_STORAGE: 'pg',
      BENCH_RATE_LIMITS: 'memory',
    };
    const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    return what === 'answer' ? answerTurns(env, flags) : getSession(env, flags);
  });
  const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no profile');
  const folded = foldedStacks(join(dir, file));
  const { busy, self, total } = hotFrames(folded);
  const perRequest = (figures.serverCores / figures.perSecond) * 1000;
  console.log(
    `${what}: ${Math.round(figures.perSecond)} req/s, ${perRequest.toFixed(3)} ms CPU per request, ${(busy / 1e6).toFixed(1)} s profiled`,
  );
  const show = (heading: string, rows: Array<[string, number]>) => {
    console.log(`\n${heading}`);
    for (const [name, micros] of rows.slice(0, 30))
      console.log(`${((micros / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  };
  const byPackage = new Map<string, number>();
  for (const [frame, micros] of self) {
    const where = / ([^ ]+?)(?:\/[^/ ]*)*:\d+$/.exec(frame)?.[1] ?? frame.replace(/ .*/, '');
    const key = where.startsWith('@')
      ? where.split('/').slice(0, 2).join('/')
      : where.split('/')[0]!;
    byPackage.set(key, (byPackage.get(key) ?? 0) + micros);
  }
  show(
    'self time by package',
    [...byPackage].sort((a, b) => b[1] - a[1]),
  );
  show('self time', self);
  show('total time', total);
  const name = `flame-${what}${label ? `-${label}` : ''}.svg`;
  const out = join(import.meta.dirname, '..', '..', 'docs', 'images', name);
  const title = `${what === 'answer' ? 'POST /api/v1/sessions/:id/answers' : `GET /api/v1/sessions/:id${what === 'floor' ? ' on the floor server' : ''}`}${label ? ` (${label})` : ''}: ${perRequest.toFixed(2)} ms CPU per request`;
  await writeFile(out, flameGraphSvg(folded, title));
  console.log(`\n-> ${out}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
