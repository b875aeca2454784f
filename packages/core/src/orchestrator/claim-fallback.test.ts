import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createOrchestrator, type Storage, UaipError } from '../index';
import { fixedClock, scriptedProvider, sequentialIds } from '../testing/index';
import { judge, twoStageWorkflow } from './fixtures.test-support';

/** The memory storage as a storage written before claimSession existed, counting its reads. */
function withoutClaimSession() {
  const memory = createMemoryStorage();
  const counted = { reads: 0, claims: 0 };
  const { claimSession: _left, ...rest } = memory;
  const storage: Storage = {
    ...rest,
    getSession: (ownerId, sessionId) => {
      counted.reads++;
      return memory.getSession(ownerId, sessionId);
    },
    claimQuestion: (ownerId, sessionId, claim) => {
      counted.claims++;
      return memory.claimQuestion(ownerId, sessionId, claim);
    },
  };
  return { storage, counted };
}

const errorCode = (error: unknown) => (UaipError.isInstance(error) ? error.code : error);

describe('a storage without claimSession', () => {
  it('still runs turns: the session is read, then claimed at the version read', async () => {
    const { storage, counted } = withoutClaimSession();
    const clock = fixedClock();
    const orchestrator = createOrchestrator({
      storage,
      workflows: [twoStageWorkflow],
      clock,
      generateId: sequentialIds(),
      llm: scriptedProvider((request) => judge(request), { clock }),
    });
    const alice = { userId: 'alice' };
    const started = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'A shop' });
    const questionId = started.pendingQuestion!.id;
    counted.reads = 0;
    const { session } = await orchestrator.answer(alice, started.id, {
      questionId,
      answer: 'Double repeat orders within a year.',
    });
    expect(session.version).toBe(started.version + 1);
    expect(counted).toEqual({ reads: 1, claims: 1 });

    // The same refusals as with claimSession.
    const stale = await orchestrator
      .answer(alice, started.id, { questionId, answer: 'Again' })
      .catch(errorCode);
    expect(stale).toBe('conflict');
    const missing = await orchestrator
      .answer({ userId: 'mallory' }, started.id, { questionId, answer: 'Mine now' })
      .catch(errorCode);
    expect(missing).toBe('not_found');
  });
});
