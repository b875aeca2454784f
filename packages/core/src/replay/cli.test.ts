import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionExport } from '../export/schema';
import { uaipWorkflow } from '../uaip/workflow';
import { runCli } from './cli';
import { recordUaip } from './uaip-recording.test-support';

const dir = mkdtempSync(join(tmpdir(), 'uaip-replay-'));
let unchanged: string;
let changed: string;
let decision: string;

function write(name: string, document: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

beforeAll(async () => {
  // As exported, quality settings included (the schema reads the engine's 0-10 threshold).
  const document = await recordUaip({ vague: ['objective'] });
  expect(document.session.quality).not.toBeNull();
  decision = (document.session.result as { outcome: string }).outcome;
  unchanged = write('unchanged.json', document);
  // As if another model had decided otherwise: the replay on the demo provider differs.
  const otherwise = {
    ...document,
    session: {
      ...document.session,
      result: { ...(document.session.result as object), outcome: 'Halt' },
    },
  } satisfies SessionExport;
  changed = write('changed.json', otherwise);
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: {},
    stdout: (text) => out.push(text),
    stderr: (line) => err.push(line),
    defaultWorkflows: async () => [uaipWorkflow],
  });
  return { code, stdout: out.join(''), stderr: err.join('\n') };
}

describe('uaip replay', () => {
  it('exits 0 with the Markdown report when no decision changed', async () => {
    const { code, stdout, stderr } = await cli('replay', unchanged, '--provider', 'demo');
    expect(stdout).toContain(`Decision unchanged: ${decision}.`);
    expect(stdout).toContain('| Models | demo/demo | demo/demo |');
    expect(stderr).toBe('uaip replay: 0 of 1 decision(s) changed');
    expect(code).toBe(0);
  });

  it('exits 1 when a decision changed, writing JSON to --out', async () => {
    const out = join(dir, 'report.json');
    const { code, stdout } = await cli(
      'replay',
      changed,
      '--provider=demo',
      '--format',
      'json',
      '--out',
      out,
    );
    expect(stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ decisionChanged: true, old: { outcome: 'Halt' } });
    expect(report.new.outcome).toBe(decision);
    expect(code).toBe(1);
  });

  it('sums up several exports, listing each', async () => {
    const { code, stdout } = await cli('replay', unchanged, changed, '--provider', 'demo');
    expect(stdout).toMatch(/^# Replay of 2 sessions\n\nDecisions changed: 1 of 2\. /);
    expect(code).toBe(1);
  });

  it.each([
    [[], 'uaip replay <export.json>'],
    [['replay'], 'uaip: name at least one export file'],
    [['rerun', 'x.json'], 'uaip: unknown command "rerun"; known: replay'],
    [['replay', 'x.json', '--format', 'html'], '--format must be markdown or json, not "html"'],
    [['replay', 'x.json', '--provider', 'openai'], '--provider must be demo, anthropic or ollama'],
    [['replay', 'x.json', '--verbose'], "Unknown option '--verbose'"],
    [['replay', 'missing.json', '--provider', 'demo'], 'missing.json: cannot be read (ENOENT)'],
    [
      ['replay', 'x.json', '--provider', 'anthropic'],
      'no LLM provider to replay with: LLM provider "anthropic" skipped: ANTHROPIC_API_KEY is not set',
    ],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(stdout + stderr).toContain(message);
    expect(code).toBe(2);
  });

  it('exits 2 on a file that is not a session export, naming it and the problem', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    const other = write('other.json', { format: 'something.else' });
    expect((await cli('replay', notJson, '--provider', 'demo')).stderr).toContain(
      `${notJson}: not JSON`,
    );
    const { code, stderr } = await cli('replay', other, '--provider', 'demo');
    expect(stderr).toContain(`${other}: not a uaip session export (format: `);
    expect(code).toBe(2);
    // Too deep for the schema's recursion: the import's message, not a stack overflow.
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const nested = await cli('replay', deep, '--provider', 'demo');
    expect(nested.stderr).toContain('Nested more than 64 levels deep');
    expect(nested.code).toBe(2);
  });

  it('exits 2 when the workflow version is not known, naming those that are', async () => {
    const { code, stderr } = await cli(
      'replay',
      unchanged,
      '--provider',
      'demo',
      '--workflow-version',
      '7',
    );
    expect(stderr).toBe('uaip: No version "7" of workflow "uaip" to replay on (known: 2)');
    expect(code).toBe(2);
  });

  it('runs as the uaip command, with its exit status', async () => {
    const bin = join(import.meta.dirname, '../bin.ts');
    const run = promisify(execFile);
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', bin, 'replay', changed, '--provider', 'demo'],
      {
        env: { PATH: process.env.PATH },
      },
    ).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(`**Decision changed: Halt → ${decision}.**`);
    expect(failed?.stderr).toContain('uaip replay: 1 of 1 decision(s) changed');
  }, 30_000);
});

describe("the replay guide's changed extraction prompt (examples/replay)", () => {
  const root = join(import.meta.dirname, '../../../..');
  // Table rows without their padding, so the guide's formatted tables compare with the output.
  const rowsOf = (markdown: string) =>
    markdown
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
      .map((line) => line.replace(/\s+/g, ' ').replace(/ \|/g, '|'));

  it('changes the decision of the recorded session, as docs/replay.md shows', async () => {
    // The guide's recording: two topics followed up once.
    const recorded = write('guide.json', await recordUaip({ vague: ['objective', 'kpis'] }));
    const run = promisify(execFile);
    // The guide's command, run from the repository's root as `uaip` (sources through tsx).
    const failed = await run(
      process.execPath,
      [
        '--conditions=@uaip/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '../bin.ts'),
        'replay',
        recorded,
        '--workflows',
        'examples/replay/changed-extraction.mjs',
        '--workflow-version',
        '3',
        '--provider',
        'demo',
      ],
      { cwd: root, env: { PATH: process.env.PATH } },
    ).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.stderr).toContain('uaip replay: 1 of 1 decision(s) changed');
    expect(failed?.code).toBe(1);
    const report = failed!.stdout;
    expect(report).toContain('**Decision changed: Proceed → Revise.**');
    expect(report).toContain('| Prompt version | uaip-2026-12-2 | uaip-first-sentence |');

    // The guide's excerpt is this report: its runs, the rows of business-translation it shows
    // and the result.
    const guide = rowsOf(readFileSync(join(root, 'docs/replay.md'), 'utf8'));
    const shown = rowsOf(report);
    const excerpt = guide.filter((line) => line !== '| …|');
    expect(excerpt.length).toBeGreaterThanOrEqual(20);
    for (const line of excerpt) expect(shown).toContain(line);
    expect(readFileSync(join(root, 'docs/replay.md'), 'utf8')).toContain(
      'uaip replay session.json --workflows examples/replay/changed-extraction.mjs',
    );
  }, 30_000);
});
