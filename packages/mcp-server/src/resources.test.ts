import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { expect, test } from 'vitest';
import type { UaipBackend } from './backend';
import { createUaipMcpServer } from './server';

// A storage failure while listing resources reaches the agent as a generic error, never its
// text (which may quote SQL), and reaches the host's onError.

test('a failed resource listing hides the failure from the agent and reports it to the host', async () => {
  const failure = new Error('relation "sessions" does not exist: select * from sessions');
  const refuse = () => Promise.reject(failure);
  const backend: UaipBackend = {
    workflows: refuse,
    start: refuse,
    get: refuse,
    list: refuse,
    answer: refuse,
    charter: refuse,
  };
  const reported: unknown[] = [];
  const server = createUaipMcpServer({ backend, onError: (error) => reported.push(error) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(clientSide);
  const listed = client.listResources().then(
    () => 'listed',
    (error: Error) => error.message,
  );
  const message = await listed;
  expect(message).toMatch(/uaip failed unexpectedly/);
  expect(message).not.toMatch(/relation|select/);
  expect(reported).toContain(failure);
  await client.close();
});
