import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

it('runs the whole workflow from a file of answers, following up on vague ones', async () => {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=@uaip/source', '--import', 'tsx', 'src/main.ts', 'answers.txt'],
    { cwd: root },
  );
  expect(stdout).toContain('> Shop owners\n  score 1/10 → follow_up');
  expect(stdout).toContain('→ stage_completed');
  expect(stdout).toContain('→ session_completed');
  expect(stdout).toContain('- Problem (gate passed)');
  expect(stdout).toContain('"test":"Ask two shops to order with a weekly forecast');
}, 30_000);

it('stops at the pending question when the answers run out', async () => {
  const failure = await run(
    process.execPath,
    ['--conditions=@uaip/source', '--import', 'tsx', 'src/main.ts', '/dev/null'],
    {
      cwd: root,
    },
  ).catch((error: { code: number; stdout: string }) => error);
  expect(failure).toMatchObject({ code: 1 });
  expect((failure as { stdout: string }).stdout).toContain('the session waits at this question');
}, 30_000);
