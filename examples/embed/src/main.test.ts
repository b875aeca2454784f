import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { charterSchema } from '@uaip/core/uaip';
import { afterEach, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const script = ['--conditions=@uaip/source', '--import', 'tsx', 'src/main.ts'];
let out: string | undefined;

afterEach(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

it('runs a whole U-AIP session unattended on the demo provider and writes the three charter files', async () => {
  out = await mkdtemp(join(tmpdir(), 'uaip-embed-'));
  const { stdout } = await run(process.execPath, [...script, 'answers.txt', '--out', out], {
    cwd: root,
    env: { ...process.env, LLM_PROVIDERS: 'demo' },
  });
  expect(stdout).toContain('LLM: demo');
  expect(stdout).toContain('→ session_completed');
  expect(stdout).toMatch(/Completed: decision \w+/);
  const markdown = await readFile(join(out, 'charter.md'), 'utf8');
  expect(markdown).toContain('## 1. Business Translation');
  expect(markdown).toContain('## 5. Ethical Governance');
  expect(markdown).toContain('Produced by the demo provider');
  expect(
    charterSchema.safeParse(JSON.parse(await readFile(join(out, 'charter.json'), 'utf8'))).success,
  ).toBe(true);
  expect(await readFile(join(out, 'charter.html'), 'utf8')).toContain('<h2>Approval</h2>');
}, 60_000);

it('says how to configure a model when none answers', async () => {
  const failure = await run(process.execPath, [...script, 'answers.txt'], {
    cwd: root,
    env: {
      ...process.env,
      LLM_PROVIDERS: 'ollama',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      LLM_TIMEOUT_MS: '2000',
    },
  }).catch((error: { code: number; stdout: string }) => error);
  expect(failure).toMatchObject({ code: 1 });
  expect((failure as { stdout: string }).stdout).toContain('LLM_PROVIDERS=demo');
}, 60_000);
