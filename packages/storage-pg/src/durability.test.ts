import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedStorage } from './index';

const packageDir = new URL('..', import.meta.url).pathname;

/**
 * Runs the child that answers turn after turn on PGlite in `dataDir`, and kills it with
 * SIGKILL right after it acknowledged turn `killAfter` (it keeps committing meanwhile, so the
 * kill lands in the middle of later turns).
 */
function answerThenKill(dataDir: string, killAfter: number) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@uaip/source',
      '--import',
      'tsx',
      'src/fixtures/embedded-turns-child.ts',
      dataDir,
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ ownerId: string; sessionId: string; acknowledged: number }>(
    (resolve, reject) => {
      let ids: string[] = [];
      let acknowledged = 0;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [word, ...rest] = line.split(' ');
        if (word === 'SESSION') ids = rest;
        if (word === 'ACK') {
          acknowledged = Number(rest[0]);
          if (acknowledged === killAfter) child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') {
          reject(new Error(`child ended with ${code ?? signal} before the kill: ${stderr}`));
          return;
        }
        const [ownerId, sessionId] = ids;
        resolve({ ownerId: ownerId!, sessionId: sessionId!, acknowledged });
      });
    },
  );
}

describe('embedded storage in a folder', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged turn through a kill -9 of the process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'uaip-pglite-'));
    dirs.push(dataDir);
    const { ownerId, sessionId, acknowledged } = await answerThenKill(dataDir, 15);
    expect(acknowledged).toBeGreaterThanOrEqual(15);

    const storage = await createEmbeddedStorage({ dataDir });
    try {
      const reopened = await storage.getSession(ownerId, sessionId);
      const turns = await storage.listTurns(ownerId, sessionId);
      // Every turn acknowledged before the kill is there; one in flight may be too, but only
      // whole: the version, the transcript, the usage and the history always agree.
      expect(reopened!.version).toBeGreaterThanOrEqual(15);
      expect(turns.map((turn) => turn.answer)).toEqual(
        Array.from({ length: reopened!.version }, (_, index) => `answer ${index + 1}`),
      );
      expect(reopened!.usage.calls).toBe(reopened!.version);
      expect(await storage.listUsage(ownerId, sessionId)).toHaveLength(reopened!.version);
      const history = await storage.listHistory(ownerId, sessionId);
      expect(history.map((record) => record.sessionVersion)).toEqual(
        Array.from({ length: reopened!.version }, (_, index) => index + 1),
      );
    } finally {
      await storage.close();
    }
  }, 60_000);
});
