import { describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  defineWorkflow,
  type SessionEvent,
  type Storage,
  type WebhookOptions,
} from '../index';
import { goalStage, judge, planStage } from '../orchestrator/fixtures.test-support';
import { fixedClock, scriptedProvider } from '../testing/index';

// What the orchestrator writes to the outbox: one message per subscribed endpoint for each
// event a turn or a review save produces, with the same fields as the event on the bus.

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes long').toString('base64')}`;
const workflow = defineWorkflow({
  id: 'hooked',
  version: '1',
  title: 'Hooked',
  description: 'A goal and a plan, always sent to a committee',
  stages: [goalStage, planStage],
  finish: async () => ({ outcome: 'Submit to committee' }),
});

const webhooks: WebhookOptions = {
  endpoints: [
    { id: 'crm', url: 'https://crm.example.com/in', secret: SECRET, events: ['session.completed'] },
    {
      id: 'audit',
      url: 'https://audit.example.com/in',
      secret: SECRET,
      events: ['stage.completed', 'review.*'],
    },
  ],
};

async function completedSession(storage: Storage, options: { webhooks?: WebhookOptions }) {
  const orchestrator = createOrchestrator({
    storage,
    llm: scriptedProvider(judge),
    workflows: [workflow],
    clock: fixedClock(),
    ...options,
  });
  const owner = { userId: 'alice' };
  const session = await orchestrator.start(owner, { workflowId: 'hooked', idea: 'Cut churn' });
  const published: SessionEvent[] = [];
  await orchestrator.subscribe(owner, session.id, (event) => published.push(event));
  for (const answer of ['cut churn', 'metric=nps', 'train, ship']) {
    const { pendingQuestion } = await orchestrator.get(owner, session.id);
    await orchestrator.answer(owner, session.id, { questionId: pendingQuestion!.id, answer });
  }
  return { orchestrator, owner, sessionId: session.id, published };
}

/** The outbox as (endpoint, parsed body) pairs, in the order written. */
async function outbox(storage: Storage, ownerId: string, sessionId: string) {
  return (await storage.listOutbox!(ownerId, sessionId)).map((message) => {
    expect(message.status).toBe('pending');
    expect(message.id).toMatch(/^msg_/);
    return [message.endpointId, JSON.parse(message.payload)] as const;
  });
}

/** An event as its webhook carries it. */
const asWebhook = (ownerId: string, { type, at, ...data }: SessionEvent) => ({
  type,
  timestamp: at,
  data: { ownerId, ...data },
});

describe('the outbox the orchestrator writes', () => {
  it('writes each completed stage and the completed session for the endpoints subscribed', async () => {
    const storage = createMemoryStorage();
    const { owner, sessionId, published } = await completedSession(storage, { webhooks });
    const sent = (type: string) =>
      published.filter((event) => event.type === type).map((e) => asWebhook(owner.userId, e));
    const [goal, plan] = sent('stage.completed');
    expect(await outbox(storage, owner.userId, sessionId)).toEqual([
      ['audit', goal],
      ['audit', plan],
      ['crm', sent('session.completed')[0]],
    ]);
    expect(goal).toMatchObject({
      type: 'stage.completed',
      data: { ownerId: 'alice', sessionId, stageId: 'goal', gatePassed: true },
    });
  });

  it('writes the review events with the review, the same as published', async () => {
    const storage = createMemoryStorage();
    const { orchestrator, owner, sessionId, published } = await completedSession(storage, {
      webhooks,
    });
    await storage.createUser({
      id: 'carol',
      email: 'carol@example.com',
      name: 'Carol',
      passwordHash: 'x',
      tokenVersion: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await orchestrator.requestReview(owner, sessionId, { reviewers: [{ userId: 'carol' }] });
    await orchestrator.vote({ userId: 'carol' }, sessionId, { vote: 'approve', comment: 'Fine' });
    const reviewEvents = published
      .filter((event) => event.type.startsWith('review.'))
      .map((event) => ['audit', asWebhook(owner.userId, event)]);
    expect(reviewEvents.map(([, body]) => (body as { type: string }).type)).toEqual([
      'review.requested',
      'review.voted',
      'review.decided',
    ]);
    expect((await outbox(storage, owner.userId, sessionId)).slice(3)).toEqual(reviewEvents);
    // The vote's comment stays out of the webhook.
    expect(JSON.stringify(reviewEvents)).not.toContain('Fine');
  });

  it('writes nothing without webhooks, and refuses webhooks on a storage without an outbox', async () => {
    const storage = createMemoryStorage();
    const { owner, sessionId } = await completedSession(storage, {});
    expect(await storage.listOutbox!(owner.userId, sessionId)).toEqual([]);
    const { listOutbox: _list, ...withoutOutbox } = createMemoryStorage();
    await expect(completedSession(withoutOutbox as Storage, { webhooks })).rejects.toThrow(
      /outbox/,
    );
  });
});

describe('webhookDeliveries', () => {
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );

  it('shows the owner each message with its attempts, never the endpoint’s URL or secret', async () => {
    const storage = createMemoryStorage();
    const { orchestrator, owner, sessionId } = await completedSession(storage, { webhooks });
    const [goal, plan, done] = await storage.listOutbox!(owner.userId, sessionId);
    const now = '2026-01-01T00:00:10.000Z';
    const leaseId = 'lease-1';
    await storage.claimOutbox!({ now, leaseId, leaseUntil: '2026-01-01T00:01:00.000Z', limit: 10 });
    const ok = { at: now, status: 204, error: null, durationMs: 12 };
    const down = { at: now, status: 503, error: 'HTTP 503', durationMs: 30 };
    const refused = { at: now, status: null, error: 'Refused: loopback', durationMs: 0 };
    await storage.recordDelivery!(goal!.id, leaseId, ok, { status: 'delivered', at: now });
    const retryAt = '2026-01-01T00:00:15.000Z';
    await storage.recordDelivery!(plan!.id, leaseId, down, {
      status: 'pending',
      nextAttemptAt: retryAt,
    });
    await storage.recordDelivery!(done!.id, leaseId, refused, { status: 'failed', at: now });

    const deliveries = await orchestrator.webhookDeliveries(owner, sessionId);
    expect(deliveries).toEqual([
      {
        id: goal!.id,
        eventType: 'stage.completed',
        endpointId: 'audit',
        status: 'delivered',
        createdAt: goal!.createdAt,
        attempts: [ok],
        nextAttemptAt: null,
        settledAt: now,
      },
      {
        id: plan!.id,
        eventType: 'stage.completed',
        endpointId: 'audit',
        status: 'pending',
        createdAt: plan!.createdAt,
        attempts: [down],
        nextAttemptAt: retryAt,
        settledAt: null,
      },
      {
        id: done!.id,
        eventType: 'session.completed',
        endpointId: 'crm',
        status: 'failed',
        createdAt: done!.createdAt,
        attempts: [refused],
        nextAttemptAt: null,
        settledAt: now,
      },
    ]);
    const shown = JSON.stringify(deliveries);
    for (const hidden of ['example.com', SECRET, 'payload', 'ownerId', leaseId]) {
      expect(shown).not.toContain(hidden);
    }
  });

  it('is for the owner only: a member is forbidden, anyone else finds nothing', async () => {
    const storage = createMemoryStorage();
    const { orchestrator, owner, sessionId } = await completedSession(storage, { webhooks });
    await orchestrator.share(owner, sessionId, { userId: 'bob', role: 'editor' });
    await orchestrator.share(owner, sessionId, { userId: 'carol', role: 'viewer' });
    expect(await codeOf(orchestrator.webhookDeliveries({ userId: 'bob' }, sessionId))).toBe(
      'forbidden',
    );
    expect(await codeOf(orchestrator.webhookDeliveries({ userId: 'carol' }, sessionId))).toBe(
      'forbidden',
    );
    expect(await codeOf(orchestrator.webhookDeliveries({ userId: 'eve' }, sessionId))).toBe(
      'not_found',
    );
    expect(await codeOf(orchestrator.webhookDeliveries(owner, 'no-such-session'))).toBe(
      'not_found',
    );
  });

  it('is empty without webhooks or on a storage without an outbox, after the same checks', async () => {
    const storage = createMemoryStorage();
    const { orchestrator, owner, sessionId } = await completedSession(storage, {});
    expect(await orchestrator.webhookDeliveries(owner, sessionId)).toEqual([]);
    expect(await codeOf(orchestrator.webhookDeliveries({ userId: 'eve' }, sessionId))).toBe(
      'not_found',
    );
    const { listOutbox: _list, claimOutbox: _claim, ...withoutOutbox } = createMemoryStorage();
    const bare = await completedSession(withoutOutbox as Storage, {});
    expect(await bare.orchestrator.webhookDeliveries(bare.owner, bare.sessionId)).toEqual([]);
  });
});
