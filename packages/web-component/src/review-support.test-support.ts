import { expect } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import { openSession, until } from './test-helpers.test-support';

/**
 * Ada's completed session whose decision is "Submit to committee"; Bob, Cy and Dan have
 * accounts. `reviewers`: asked to review it before anyone opens it (with `approvals`).
 */
export async function committeeSession(
  options: { reviewers?: string[]; approvals?: number; idea?: string } = {},
) {
  const api = createFakeApi();
  const ada = api.signUp();
  const bob = api.signUp('bob@example.com', 'pw', 'Bob');
  const cy = api.signUp('cy@example.com', 'pw', 'Cy');
  const dan = api.signUp('dan@example.com', 'pw', 'Dan');
  const { id } = api.createSession(
    ada,
    options.idea ?? 'Screen loan applications, for the ethics committee',
    'Screen loan applications',
  );
  for (let stage = 0; stage < 5; stage++) await api.advance(id, `A clear answer ${stage + 1}`);
  if (options.reviewers)
    expect(await api.requestReview(id, options.reviewers, options.approvals)).toBe(201);
  return { api, ada, bob, cy, dan, sessionId: id };
}

/** The session open in `<uaip-session>` for `token`, its charter shown. */
export async function openAs(
  api: ReturnType<typeof createFakeApi>,
  token: string,
  sessionId: string,
) {
  const { element, root } = await openSession(api, token, sessionId);
  await until(() => expect(root.querySelector('article.charter')).not.toBeNull());
  return { element, root };
}
