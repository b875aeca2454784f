import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sessionExportSchema } from '@uaip/core';
import { demoResponder, type FakeLlmServer, startFakeAnthropic } from '@uaip/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, account, startApp, tempDataDir } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';
import { completeSession, type PendingQuestion } from './scoping-answers.test-support';

// Export, import and replay end to end (issue 25): the reference app as `npm start` runs it, on
// embedded storage and on PostgreSQL, the real Claude client against a fake Claude that answers
// like the demo provider. Ada completes a U-AIP session, exports it over HTTP and Bob imports
// the file as his own session; the same file is then replayed with the `uaip replay` command on
// the demo provider, once on U-AIP as recorded (no decision changes) and once on the replay
// guide's changed extraction prompt (examples/replay/changed-extraction.mjs: the decision goes
// from Proceed to Revise, as docs/replay.md shows).

const root = join(import.meta.dirname, '../../..');

/** The replay guide's answers (examples/embed/answers.txt), by topic id or `gap:<stage>`. */
async function guideAnswers(): Promise<Map<string, string>> {
  const text = await readFile(join(root, 'examples/embed/answers.txt'), 'utf8');
  return new Map(
    text
      .split('\n')
      .map((line) => /^([\w:+-]+):\s*(.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
}

/** A first answer the demo scorer follows up (short, hedged, no figures). */
const VAGUE = 'Not sure yet, maybe later.';

/**
 * The replay guide's session: its answers, the first answers about the objective and the KPIs
 * vague (so those two topics are followed up once).
 */
async function guideSession(app: AppProcess, token: string) {
  const answers = await guideAnswers();
  const vague = new Set(['objective', 'kpis']);
  const answer = (pending: PendingQuestion & { stageId: string }) => {
    if (pending.kind === 'gap') return answers.get(`gap:${pending.stageId}`)!;
    if (pending.kind === 'question' && vague.delete(pending.topicId)) return VAGUE;
    return answers.get(pending.topicId) ?? 'Nothing to add.';
  };
  return completeSession(
    app,
    token,
    answer as (pending: PendingQuestion) => string,
    answers.get('idea'),
  );
}

/** Runs `uaip replay` as the guide does (from the repository's root, sources through tsx). */
async function replay(...argv: string[]) {
  const bin = join(root, 'packages/core/src/bin.ts');
  return promisify(execFile)(
    process.execPath,
    ['--conditions=@uaip/source', '--import', 'tsx', bin, 'replay', ...argv],
    { cwd: root, env: { PATH: process.env.PATH } },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uaip-export-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function exportImportReplay({ app }: RunningApp) {
  const ada = await account(app, 'ada');
  const bob = await account(app, 'bob');
  const session = await guideSession(app, ada.token);

  // Ada exports it: a JSON attachment named after the title, the schema's document.
  const exported = await app.call('GET', `/api/v1/sessions/${session.id}/export`, {
    token: ada.token,
  });
  expect(exported.status, exported.text).toBe(200);
  expect(exported.headers.get('content-type')).toMatch(/^application\/json/);
  expect(exported.headers.get('content-disposition')).toBe(
    'attachment; filename="predict-which-prepaid-mobile-customers-will-churn-next-month-session.json"',
  );
  const document = sessionExportSchema.parse(exported.json);
  expect(document).toMatchObject({ format: 'uaip.session', version: 1 });
  expect(document.session).toMatchObject({
    id: session.id,
    status: 'completed',
    workflowId: 'uaip',
    title: session.title,
  });
  expect(exported.json.session).not.toHaveProperty('ownerId');
  expect(document.session.result).toMatchObject({ outcome: 'Proceed' });
  // The two vague first answers were followed up, and are in the transcript.
  expect(document.turns.filter((turn) => turn.answer === VAGUE)).toHaveLength(2);
  expect(document.turns.some((turn) => turn.kind === 'follow_up')).toBe(true);
  expect(document.usage.length).toBeGreaterThan(10);
  // Ada's turns (without their ids: an import gives new ones) and charter, to compare with
  // Bob's copy.
  const turnsOf = async (token: string, id: string) =>
    (await app.call('GET', `/api/v1/sessions/${id}/turns`, { token })).json.items.map(
      ({ id: _id, questionId: _questionId, ...turn }: { id: string; questionId: string }) => turn,
    );
  const charterOf = async (token: string, id: string) => {
    const charter = await app.call('GET', `/api/v1/sessions/${id}/charter?format=json`, {
      token,
    });
    expect(charter.status, charter.text).toBe(200);
    return charter.json;
  };
  const adaTurns = await turnsOf(ada.token, session.id);
  const adaCharter = await charterOf(ada.token, session.id);

  // Bob imports the file: a new session of his, the same apart from its id.
  const file = join(dir, `session-${session.id}.json`);
  await writeFile(file, exported.text);
  const imported = await app.call('POST', '/api/v1/sessions/import', {
    token: bob.token,
    body: JSON.parse(await readFile(file, 'utf8')),
  });
  expect(imported.status, imported.text).toBe(201);
  const copy = imported.json;
  expect(copy.id).not.toBe(session.id);
  const original = (await app.call('GET', `/api/v1/sessions/${session.id}`, { token: ada.token }))
    .json;
  const { id: _copyId, ...copied } = copy;
  const { id: _originalId, ...kept } = original;
  // The cost is a sum of floating-point figures: PostgreSQL and PGlite add a session's calls up
  // as they are recorded, an import adds them up at once, so the last digits may differ.
  expect(copied.usage.costUsd).toBeCloseTo(kept.usage.costUsd, 12);
  expect({ ...copied, usage: { ...copied.usage, costUsd: 0 } }).toEqual({
    ...kept,
    usage: { ...kept.usage, costUsd: 0 },
  });
  const read = await app.call('GET', `/api/v1/sessions/${copy.id}`, { token: bob.token });
  expect(read.status, read.text).toBe(200);
  expect(read.json.id).toBe(copy.id);
  const list = await app.call('GET', '/api/v1/sessions', { token: bob.token });
  expect(list.json.items.map((item: { id: string }) => item.id)).toEqual([copy.id]);
  expect(await turnsOf(bob.token, copy.id)).toEqual(adaTurns);
  // The charter names its session: the copy's.
  expect(await charterOf(bob.token, copy.id)).toEqual({ ...adaCharter, sessionId: copy.id });

  // Ada cannot see Bob's copy, nor Bob Ada's original.
  for (const suffix of ['', '/turns', '/charter?format=json', '/export']) {
    const byAda = await app.call('GET', `/api/v1/sessions/${copy.id}${suffix}`, {
      token: ada.token,
    });
    expect(byAda.status, suffix).toBe(404);
    const byBob = await app.call('GET', `/api/v1/sessions/${session.id}${suffix}`, {
      token: bob.token,
    });
    expect(byBob.status, suffix).toBe(404);
  }
  expect(
    (await app.call('GET', '/api/v1/sessions', { token: ada.token })).json.items.map(
      (item: { id: string }) => item.id,
    ),
  ).toEqual([session.id]);

  // The file replayed on the demo provider on U-AIP as recorded: no decision changed.
  const same = await replay(file, '--provider', 'demo');
  expect(same.stderr).toContain('uaip replay: 0 of 1 decision(s) changed');
  expect(same.code).toBe(0);
  expect(same.stdout).toContain(`# Replay of "${session.title}"`);
  expect(same.stdout).toContain('Decision unchanged: Proceed.');

  // On the guide's changed extraction prompt (version 3): the decision goes Proceed → Revise.
  const changed = await replay(
    file,
    '--workflows',
    'examples/replay/changed-extraction.mjs',
    '--workflow-version',
    '3',
    '--provider',
    'demo',
  );
  expect(changed.stderr).toContain('uaip replay: 1 of 1 decision(s) changed');
  expect(changed.code).toBe(1);
  expect(changed.stdout).toContain('**Decision changed: Proceed → Revise.**');
  expect(changed.stdout).toMatch(/\| Prompt version +\| uaip-[\w-]+ +\| uaip-first-sentence +\|/);
  expect(changed.stdout).toMatch(/Gate: passed → failed \(missing: input /);
}

describe('export, import and replay over HTTP and the uaip command', () => {
  onEveryStorage(
    "Ada exports a completed session; Bob imports it as his own; Ada cannot see it; replayed, the guide's changed prompt changes the decision",
    exportImportReplay,
  );
});

// The same file from one storage to the other: a session made on embedded storage imported into
// an app on PostgreSQL, and back. Needs PostgreSQL (TEST_DATABASE_URL); on-every-storage says
// when it is skipped.
const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)(
  'export on one storage, import on the other (needs PostgreSQL: set TEST_DATABASE_URL)',
  () => {
    const database = `uaip_app_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    let claude: FakeLlmServer | undefined;
    let data: { remove(): Promise<void> } | undefined;
    let embedded: AppProcess | undefined;
    let server: AppProcess | undefined;
    beforeAll(async () => {
      claude = await startFakeAnthropic();
      claude.respond(demoResponder('anthropic'));
      const llm = {
        LLM_PROVIDERS: 'anthropic',
        ANTHROPIC_API_KEY: 'sk-test',
        ANTHROPIC_BASE_URL: claude.url,
      };
      const folder = await tempDataDir();
      data = folder;
      await admin(`create database ${database}`);
      const url = new URL(serverUrl!);
      url.pathname = `/${database}`;
      [embedded, server] = await Promise.all([
        startApp({ DATA_DIR: folder.dir, ...llm }),
        startApp({ DATABASE_URL: url.toString(), ...llm }),
      ]);
    });
    afterAll(async () => {
      await embedded?.stop('SIGKILL');
      await server?.stop('SIGKILL');
      await claude?.close();
      await data?.remove();
      await admin(`drop database if exists ${database} with (force)`);
    });

    /** Completes the guide's session on `from`, imports its export into `to`; both sessions. */
    async function carry(from: AppProcess, to: AppProcess) {
      const maker = await account(from, 'maker');
      const importer = await account(to, 'importer');
      const session = await guideSession(from, maker.token);
      const exported = await from.call('GET', `/api/v1/sessions/${session.id}/export`, {
        token: maker.token,
      });
      expect(exported.status, exported.text).toBe(200);
      const imported = await to.call('POST', '/api/v1/sessions/import', {
        token: importer.token,
        body: exported.json,
      });
      expect(imported.status, imported.text).toBe(201);
      const answers = async (app: AppProcess, token: string, id: string) =>
        (await app.call('GET', `/api/v1/sessions/${id}/turns`, { token })).json.items.map(
          (turn: { topicId: string; kind: string; answer: string; score: number }) => [
            turn.topicId,
            turn.kind,
            turn.answer,
            turn.score,
          ],
        );
      expect(await answers(to, importer.token, imported.json.id)).toEqual(
        await answers(from, maker.token, session.id),
      );
      const outcome = async (app: AppProcess, token: string, id: string) =>
        (await app.call('GET', `/api/v1/sessions/${id}/charter?format=json`, { token })).json
          .decision.decision;
      expect(await outcome(to, importer.token, imported.json.id)).toBe(
        await outcome(from, maker.token, session.id),
      );
      expect(imported.json).toMatchObject({
        status: 'completed',
        title: session.title,
        version: session.version,
      });
    }

    it('a session made on PGlite imports into PostgreSQL with its answers and decision', () =>
      carry(embedded!, server!));
    it('and one made on PostgreSQL imports into PGlite', () => carry(server!, embedded!));
  },
);
