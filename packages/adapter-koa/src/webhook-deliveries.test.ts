import { createMemoryStorage, type WebhookOptions } from '@uaip/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveryListSchema } from './response-schemas';
import { completeSession } from './session-driver.test-support';
import { namedUser, share, type TestUser } from './sharing.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

// GET /sessions/:id/webhook-deliveries: the session's webhooks and their attempts, for its
// owner only, without the endpoint's URL or secret.

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes long').toString('base64')}`;
const URL = 'https://hooks.crm.invalid/uaip';
const webhooks: WebhookOptions = {
  endpoints: [{ id: 'crm', url: URL, secret: SECRET, events: ['session.completed'] }],
};

describe('GET /api/v1/sessions/:id/webhook-deliveries', () => {
  const storage = createMemoryStorage();
  let api: TestApi;
  let owner: TestUser;
  let editor: TestUser;
  let stranger: TestUser;
  let sessionId: string;
  beforeAll(async () => {
    api = await startTestApi({ storage, orchestrator: { webhooks } });
    [owner, editor, stranger] = (await Promise.all(
      ['owner', 'editor', 'stranger'].map((name) => namedUser(api, name)),
    )) as [TestUser, TestUser, TestUser];
    sessionId = await completeSession(api, owner.token);
    expect(
      (await share(api, owner.token, sessionId, { email: editor.email, role: 'editor' })).status,
    ).toBe(201);
  }, 60_000);
  afterAll(() => api.close());

  const list = (token: string, id = sessionId) =>
    api.call('GET', `/api/v1/sessions/${id}/webhook-deliveries`, { token });

  it('shows the owner each webhook with its attempts, never the URL or the secret', async () => {
    const pending = await list(owner.token);
    expect(pending.status, pending.text).toBe(200);
    const [waiting] = webhookDeliveryListSchema.parse(pending.json).items;
    expect(pending.json.items).toHaveLength(1);
    expect(waiting).toMatchObject({
      eventType: 'session.completed',
      endpointId: 'crm',
      status: 'pending',
      attempts: [],
      settledAt: null,
    });
    expect(waiting!.nextAttemptAt).toEqual(expect.any(String));

    // The dispatcher's first attempt fails, the second delivers.
    const now = new Date().toISOString();
    const claim = { now, leaseId: 'lease-1', leaseUntil: now, limit: 100 };
    await storage.claimOutbox!({ ...claim, now: new Date(Date.now() + 1000).toISOString() });
    const down = { at: now, status: 503, error: 'HTTP 503', durationMs: 41 };
    const ok = { at: now, status: 200, error: null, durationMs: 9 };
    await storage.recordDelivery!(waiting!.id, 'lease-1', down, {
      status: 'pending',
      nextAttemptAt: now,
    });
    await storage.claimOutbox!({
      ...claim,
      leaseId: 'lease-2',
      now: new Date(Date.now() + 1000).toISOString(),
    });
    await storage.recordDelivery!(waiting!.id, 'lease-2', ok, { status: 'delivered', at: now });

    const delivered = await list(owner.token);
    expect(delivered.status).toBe(200);
    expect(webhookDeliveryListSchema.parse(delivered.json)).toEqual({
      items: [
        {
          ...waiting,
          status: 'delivered',
          attempts: [down, ok],
          nextAttemptAt: null,
          settledAt: now,
        },
      ],
    });
    for (const hidden of [URL, 'hooks.crm.invalid', SECRET, 'payload', 'lease-']) {
      expect(delivered.text).not.toContain(hidden);
    }
  });

  it('is 403 for a member and 404 for anyone else, as for a session that does not exist', async () => {
    const member = await list(editor.token);
    expect(member.status).toBe(403);
    expect(member.json.error.code).toBe('forbidden');
    const other = await list(stranger.token);
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
    const missing = await list(stranger.token, '00000000-0000-4000-8000-000000000000');
    expect(missing.json.error).toMatchObject({
      code: 'not_found',
      message: other.json.error.message,
    });
  });
});

describe('GET /api/v1/sessions/:id/webhook-deliveries without webhooks', () => {
  it('is an empty list', async () => {
    const api = await startTestApi();
    try {
      const owner = await namedUser(api, 'owner');
      const sessionId = await completeSession(api, owner.token);
      const response = await api.call('GET', `/api/v1/sessions/${sessionId}/webhook-deliveries`, {
        token: owner.token,
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ items: [] });
    } finally {
      await api.close();
    }
  }, 60_000);
});
