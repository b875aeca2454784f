import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHostApp } from './host-app';

let url: string;
let close: () => void;
beforeAll(async () => {
  const server = createHostApp({ 'key-a': 'ada', 'key-b': 'bob' }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const call = async (method: string, path: string, key?: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(key ? { 'x-api-key': key } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads what it expects
  const json: any = await response.json().catch(() => undefined);
  return { status: response.status, json };
};

it('serves its own routes next to the API mounted under its prefix', async () => {
  expect(await call('GET', '/')).toEqual({
    status: 200,
    json: { app: 'host', message: 'Welcome to the host app' },
  });
  const created = await call('POST', '/scoping/api/sessions', 'key-a', {
    idea: 'Predict churn of prepaid customers',
  });
  expect(created.status).toBe(201);
  const answered = await call('POST', `/scoping/api/sessions/${created.json.id}/answers`, 'key-a', {
    questionId: created.json.pendingQuestion.id,
    answer:
      'Cut monthly churn from 8% to 5% by September 2027 for 2 million prepaid customers, measured in billing.',
  });
  expect(answered.status).toBe(200);
  expect(answered.json.session.version).toBe(2);
});

it("uses the host's identity: no key is a 401, another user's session a 404, no account routes", async () => {
  const missing = await call('GET', '/scoping/api/sessions');
  expect(missing.status).toBe(401);
  expect(missing.json.error.code).toBe('unauthorized');
  const mine = await call('POST', '/scoping/api/sessions', 'key-a', { idea: 'Mine' });
  expect((await call('GET', `/scoping/api/sessions/${mine.json.id}`, 'key-b')).status).toBe(404);
  expect(
    (await call('POST', '/scoping/api/auth/login', undefined, { email: 'a@b.c', password: 'x' }))
      .status,
  ).toBe(404);
  expect((await call('GET', '/scoping/api/nope', 'key-a')).json.error.code).toBe('not_found');
});

it('listens where PORT says (0: a free port it names), and refuses a PORT that is no port', async () => {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const start = (port: string) =>
    spawn(process.execPath, ['--conditions=@uaip/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const child = start('0');
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(output);
      });
      child.once('exit', () => reject(new Error(`exited: ${output}`)));
    });
    const listening = /host app on (http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
    expect(Number(listening?.[2])).toBeGreaterThan(0);
    expect(Number(listening?.[2])).not.toBe(4000); // not the default: PORT was read
    const response = await fetch(`${listening![1]}/`);
    expect(await response.json()).toEqual({ app: 'host', message: 'Welcome to the host app' });
  } finally {
    child.kill();
  }
  const refused = start('not-a-port');
  let errors = '';
  refused.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const code = await new Promise((resolve) => refused.once('exit', resolve));
  expect(code).toBe(1);
  expect(errors).toContain('PORT must be a whole number from 0 to 65535, not "not-a-port"');
}, 30_000);
