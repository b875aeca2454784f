import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAuthProxy } from './auth-proxy.test-support';
import { startTestServer, type TestServer } from './test-server.test-support';

// The official conformance suite (@modelcontextprotocol/conformance, its `conformance server`
// command, offline) against the endpoint the Koa adapter mounts. The scenarios that do not
// apply are listed, with why, in conformance-baseline.yml: the suite itself fails the run if
// one of them starts passing or any other fails.
// The package's bin (it has no main export).
const SUITE = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')),
  'dist/index.js',
);
const BASELINE = fileURLToPath(new URL('../conformance-baseline.yml', import.meta.url));
/** The scenarios that apply to this server; each must pass every check it makes. */
const APPLICABLE = [
  'server-initialize',
  'ping',
  'tools-list',
  'resources-list',
  'dns-rebinding-protection',
];

let server: TestServer;
let output: string;

beforeAll(async () => {
  server = await startTestServer();
  output = await mkdtemp(join(tmpdir(), 'uaip-mcp-conformance-'));
});
afterAll(async () => {
  await server?.close();
  if (output) await rm(output, { recursive: true, force: true });
});

test('the conformance suite passes every scenario that applies, and fails only those listed', async () => {
  const proxy = await startAuthProxy(server.mcpUrl, (await server.user()).token);
  const run = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [SUITE, 'server', '--url', proxy.url.href, '--expected-failures', BASELINE, '-o', output],
      { timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: `${stdout}\n${stderr}` }),
    );
  });
  await proxy.close();
  expect(run.code, run.stdout).toBe(0);

  const checks = new Map<string, Array<{ id: string; status: string }>>();
  for (const dir of await readdir(output)) {
    const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT/.exec(dir)?.[1];
    if (scenario)
      checks.set(scenario, JSON.parse(await readFile(join(output, dir, 'checks.json'), 'utf8')));
  }
  for (const scenario of APPLICABLE) {
    const results = checks.get(scenario) ?? [];
    expect(results.filter((check) => check.status === 'SUCCESS').length, scenario).toBeGreaterThan(
      0,
    );
    expect(
      results.filter((check) => check.status === 'FAILURE'),
      scenario,
    ).toEqual([]);
  }
});
