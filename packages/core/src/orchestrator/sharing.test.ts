import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  type Orchestrator,
  type Principal,
  type SessionEvent,
  type Storage,
  UaipError,
} from '../index';
import { fixedClock, type ScriptedProvider, scriptedProvider } from '../testing/index';
import { judge, twoStageWorkflow } from './fixtures.test-support';

// Who may do what with a shared session: the owner everything; an editor read, answer and
// revise; a viewer read; a stranger nothing, and learns nothing (not_found, never forbidden).

const owner: Principal = { userId: 'alice' };
const editor: Principal = { userId: 'bob' };
const viewer: Principal = { userId: 'carol' };
const stranger: Principal = { userId: 'mallory' };

let storage: Storage;
let llm: ScriptedProvider;
let orchestrator: Orchestrator;
let sessionId: string;
let events: SessionEvent[];

function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => 'ok',
    (error: unknown) => (UaipError.isInstance(error) ? error.code : String(error)),
  );
}

async function reply(principal: Principal, answer: string, options = {}) {
  const session = await orchestrator.get(principal, sessionId);
  return orchestrator.answer(
    principal,
    sessionId,
    { questionId: session.pendingQuestion!.id, answer },
    options,
  );
}

beforeEach(async () => {
  storage = createMemoryStorage();
  llm = scriptedProvider((request) => judge(request));
  orchestrator = createOrchestrator({
    storage,
    llm,
    workflows: [twoStageWorkflow],
    clock: fixedClock(),
  });
  for (const [id, email] of [
    ['alice', 'alice@example.com'],
    ['bob', 'bob@example.com'],
    ['carol', 'carol@example.com'],
  ] as const) {
    await storage.createUser({
      id,
      email,
      name: id,
      passwordHash: 'x',
      tokenVersion: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }
  sessionId = (await orchestrator.start(owner, { workflowId: 'two-stage', idea: 'Churn' })).id;
  events = [];
  await orchestrator.subscribe(owner, sessionId, (event) => events.push(event));
  await orchestrator.share(owner, sessionId, { email: 'Bob@Example.com', role: 'editor' });
  await orchestrator.share(owner, sessionId, { userId: 'carol', role: 'viewer' });
});

describe('a shared session', () => {
  it('lets the owner, an editor and a viewer read it, and a stranger not even find it', async () => {
    await reply(owner, 'cut churn');
    for (const principal of [owner, editor, viewer]) {
      expect((await orchestrator.get(principal, sessionId)).id).toBe(sessionId);
      expect(await orchestrator.turns(principal, sessionId)).toHaveLength(1);
      expect((await orchestrator.usage(principal, sessionId)).total.calls).toBe(1);
      expect((await orchestrator.history(principal, sessionId)).answers).toHaveLength(1);
      expect((await orchestrator.members(principal, sessionId)).ownerId).toBe('alice');
      await (await orchestrator.subscribe(principal, sessionId, () => {}))();
    }
    for (const read of [
      orchestrator.get(stranger, sessionId),
      orchestrator.turns(stranger, sessionId),
      orchestrator.usage(stranger, sessionId),
      orchestrator.history(stranger, sessionId),
      orchestrator.members(stranger, sessionId),
      orchestrator.report(stranger, sessionId, 'json'),
      orchestrator.subscribe(stranger, sessionId, () => {}),
    ])
      expect(await codeOf(read)).toBe('not_found');
  });

  it('lets an editor answer and revise, refuses a viewer with forbidden', async () => {
    expect(await codeOf(reply(viewer, 'cut churn'))).toBe('forbidden');
    const answered = await reply(editor, 'cut churn');
    expect(answered.outcome.kind).toBe('accepted');
    await reply(owner, 'metric=retention');
    const done = await reply(editor, 'train, then ship');
    expect(done.session.status).toBe('completed');
    expect((await orchestrator.get(viewer, sessionId)).status).toBe('completed');

    const [first] = await orchestrator.turns(owner, sessionId);
    const input = { turnId: first!.id, answer: 'cut fraud' };
    expect(await codeOf(orchestrator.revise(viewer, sessionId, input))).toBe('forbidden');
    expect(await codeOf(orchestrator.revise(stranger, sessionId, input))).toBe('not_found');
    const revised = await orchestrator.revise(editor, sessionId, input);
    expect(revised.outcome.kind).toBe('revision_completed');
    const history = await orchestrator.history(owner, sessionId);
    expect(history.artifacts.at(-1)).toMatchObject({ actorId: 'bob' });
    expect(history.artifacts[0]).toMatchObject({ actorId: 'alice' });
  });

  it("keeps an editor's idempotency keys apart from the owner's, and replays them", async () => {
    const questionId = (await orchestrator.get(editor, sessionId)).pendingQuestion!.id;
    const input = { questionId, answer: 'cut churn' };
    const first = await orchestrator.answer(editor, sessionId, input, { idempotencyKey: 'k' });
    const calls = llm.requests.length;
    expect(await orchestrator.answer(editor, sessionId, input, { idempotencyKey: 'k' })).toEqual(
      first,
    );
    expect(llm.requests.length).toBe(calls);
    // The owner's use of the same key is another request: neither a replay nor a conflict.
    const owners = await reply(owner, 'metric=retention', { idempotencyKey: 'k' });
    expect(owners.outcome.kind).toBe('stage_completed');
  });

  it('leaves sharing and deleting to the owner; a member may leave', async () => {
    expect(
      await codeOf(orchestrator.share(editor, sessionId, { userId: 'dan', role: 'viewer' })),
    ).toBe('forbidden');
    expect(
      await codeOf(orchestrator.share(stranger, sessionId, { userId: 'dan', role: 'viewer' })),
    ).toBe('not_found');
    expect(await codeOf(orchestrator.unshare(editor, sessionId, 'carol'))).toBe('forbidden');
    expect(await codeOf(orchestrator.delete(editor, sessionId))).toBe('forbidden');
    expect(await codeOf(orchestrator.delete(viewer, sessionId))).toBe('forbidden');
    expect(await codeOf(orchestrator.delete(stranger, sessionId))).toBe('not_found');

    await orchestrator.unshare(viewer, sessionId, 'carol');
    expect(await codeOf(orchestrator.get(viewer, sessionId))).toBe('not_found');
    await orchestrator.unshare(owner, sessionId, 'bob');
    expect(await codeOf(orchestrator.get(editor, sessionId))).toBe('not_found');
    expect(await codeOf(orchestrator.unshare(owner, sessionId, 'bob'))).toBe('not_found');
    await orchestrator.delete(owner, sessionId);
  });

  it('changes a role, lists members with their accounts, and announces each change', async () => {
    const changed = await orchestrator.share(owner, sessionId, { userId: 'carol', role: 'editor' });
    expect(changed).toMatchObject({ userId: 'carol', email: 'carol@example.com', role: 'editor' });
    expect(await codeOf(reply(viewer, 'cut churn'))).toBe('ok');
    const { members } = await orchestrator.members(editor, sessionId);
    expect(members.map((member) => [member.userId, member.role, member.addedBy])).toEqual([
      ['bob', 'editor', 'alice'],
      ['carol', 'editor', 'alice'],
    ]);
    await orchestrator.unshare(owner, sessionId, 'bob');
    expect(
      events
        .filter((event) => event.type === 'sharing.changed')
        .map((event) => [event.userId, event.role]),
    ).toEqual([
      ['bob', 'editor'],
      ['carol', 'viewer'],
      ['carol', 'editor'],
      ['bob', null],
    ]);
  });

  it('refuses to share with nobody, with two people at once, or with the owner', async () => {
    const share = (input: object) => codeOf(orchestrator.share(owner, sessionId, input as never));
    expect(await share({ email: 'nobody@example.com', role: 'viewer' })).toBe('not_found');
    expect(await share({ email: 'bob@example.com', userId: 'carol', role: 'viewer' })).toBe(
      'validation_failed',
    );
    expect(await share({ role: 'viewer' })).toBe('validation_failed');
    expect(await share({ userId: 'alice', role: 'viewer' })).toBe('validation_failed');
    expect(await share({ userId: 'dan', role: 'owner' })).toBe('validation_failed');
  });

  it('changes a role without ever adding a member, even one who just left', async () => {
    const changed = await orchestrator.changeRole(owner, sessionId, 'carol', 'editor');
    expect([changed.userId, changed.role, changed.email]).toEqual([
      'carol',
      'editor',
      'carol@example.com',
    ]);
    await orchestrator.unshare(viewer, sessionId, 'carol');
    expect(await codeOf(orchestrator.changeRole(owner, sessionId, 'carol', 'viewer'))).toBe(
      'not_found',
    );
    expect(await codeOf(orchestrator.changeRole(owner, sessionId, 'alice', 'viewer'))).toBe(
      'not_found',
    );
    expect(await codeOf(orchestrator.changeRole(editor, sessionId, 'bob', 'viewer'))).toBe(
      'forbidden',
    );
    expect(await codeOf(orchestrator.changeRole(stranger, sessionId, 'bob', 'viewer'))).toBe(
      'not_found',
    );
    expect(await codeOf(orchestrator.changeRole(owner, sessionId, 'bob', 'owner' as never))).toBe(
      'validation_failed',
    );
    expect(
      (await orchestrator.members(owner, sessionId)).members.map((m) => [m.userId, m.role]),
    ).toEqual([['bob', 'editor']]);
  });

  it("ends a member's subscription with the event that ends their access", async () => {
    const heard: string[] = [];
    await orchestrator.subscribe(viewer, sessionId, (event) => heard.push(event.type));
    await orchestrator.share(owner, sessionId, { userId: 'carol', role: 'editor' });
    await orchestrator.unshare(owner, sessionId, 'carol');
    await reply(owner, 'cut churn');
    expect(heard).toEqual(['sharing.changed', 'sharing.changed']);
    // The owner's own subscription goes on.
    expect(events.at(-1)!.type).not.toBe('sharing.changed');
  });

  it("lists the sessions shared with a user, with the owner and the user's role", async () => {
    const page = await orchestrator.sharedWithMe(editor);
    expect(page.items.map((item) => [item.id, item.ownerId, item.role, item.owner])).toEqual([
      [sessionId, 'alice', 'editor', { email: 'alice@example.com', name: 'alice' }],
    ]);
    // Members see who shared it with them.
    expect((await orchestrator.members(viewer, sessionId)).owner).toEqual({
      email: 'alice@example.com',
      name: 'alice',
    });
    expect((await orchestrator.sharedWithMe(stranger)).items).toEqual([]);
    expect((await orchestrator.list(editor)).items).toEqual([]);
  });
});
