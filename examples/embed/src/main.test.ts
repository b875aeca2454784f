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
  const stdout = (failure as { stdout: string }).stdout;
  // Up front: before the first question, with what failed and what to do.
  expect(stdout).toContain('No language model can be reached, so no answer could be scored.');
  expect(stdout).toMatch(/ {2}ollama: .+/);
  expect(stdout).toContain('LLM_PROVIDERS=demo');
  expect(stdout).not.toContain('[business-translation');
}, 60_000);

it('refuses an empty idea and blank answers instead of making one up', async () => {
  const typed = (input: string) => {
    const child = execFile(process.execPath, script, {
      cwd: root,
      env: { ...process.env, LLM_PROVIDERS: 'demo' },
    });
    child.stdin!.end(input);
    return new Promise<{ code: number | null; stdout: string }>((resolve) => {
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.once('exit', (code) => resolve({ code, stdout }));
    });
  };
  const empty = await typed('\n');
  expect(empty.code).toBe(1);
  expect(empty.stdout).toContain('No idea given: describe the business idea on the first line.');
  expect(empty.stdout).not.toContain('An AI project');

  const blank = await typed('Predict churn of prepaid customers\n   \n');
  expect(blank.stdout).toContain('Your idea: "Predict churn of prepaid customers"');
  expect(blank.stdout).toContain('An empty answer is not an answer: please type one');
  expect(blank.stdout).toContain('No more answers; the session waits at this question.');
}, 60_000);
