import type { RecordedRequest } from '@uaip/core/testing';
import { describe, expect } from 'vitest';
import { followEvents, signIn } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';
import {
  ANSWERS,
  completeSession,
  LATE_INPUTS,
  lateInputsAnswer,
} from './scoping-answers.test-support';

// Time travel end to end (issue 22): the reference app as `npm start` runs it (on embedded
// storage, and on PostgreSQL when there is one), the real Claude client against a fake Claude that answers like the demo
// provider. A whole U-AIP session whose stage 1 names an input that only exists after the
// customer left (its gate fails, and the charter's decision is capped at Revise), then the
// revision of that answer: everything built on it is rebuilt, the decision is decided again.

const STAGES = [
  'business-translation',
  'value-quantification',
  'data-feasibility',
  'user-centricity',
  'ethical-governance',
];

/** What a model call was for, told by the JSON Schema it asked for (one per stage, step). */
function askedFor(request: RecordedRequest): string {
  const schema = request.body?.output_config?.format?.schema;
  return Object.keys(schema?.properties ?? {})
    .sort()
    .join(',');
}
const SCORING = 'followUp,issues,score';

/**
 * A whole session whose stage 1 gate fails, then the revision of the answer that failed it:
 * the charter is rebuilt on the new answer and decided again, the old one kept.
 */
async function reviseStageOne({ app, claude }: RunningApp) {
  const token = await signIn(app);
  // A whole session; stage 1 names an input that does not exist at prediction time.
  const session = await completeSession(app, token, lateInputsAnswer);
  const charterPath = `/api/v1/sessions/${session.id}/charter?format=json`;
  const before = (await app.call('GET', charterPath, { token })).json;
  expect(before.decision).toMatchObject({
    decision: 'revise',
    failedGates: ['Business Translation'],
    ethicalDecision: { decision: 'proceed' },
  });
  expect(before.stages.businessTranslation.inputFeatures).toContainEqual(
    expect.objectContaining({ availableInProduction: false }),
  );
  const sessionRequests = claude.generationRequests().map(askedFor);

  // The revision: the inputs as they really are.
  const turns = (await app.call('GET', `/api/v1/sessions/${session.id}/turns`, { token })).json
    .items;
  const inputs = turns.find(
    (turn: { topicId: string; accepted: boolean }) =>
      turn.topicId === 'inputs-outputs' && turn.accepted,
  );
  const events = followEvents(
    app,
    token,
    session.id,
    (event) => event.type === 'revision.completed',
  );
  const seen = claude.generationRequests().length;
  const revised = await app.call(
    'POST',
    `/api/v1/sessions/${session.id}/turns/${inputs.id}/revisions`,
    { token, body: { answer: ANSWERS['inputs-outputs'] } },
  );
  expect(revised.status, revised.text).toBe(200);
  expect(revised.json.outcome.kind).toBe('revision_completed');
  expect(revised.json.revision).toMatchObject({
    turnId: inputs.id,
    status: 'completed',
    rebuilt: STAGES,
    stale: [],
  });
  expect(revised.json.session).toMatchObject({ status: 'completed', pendingQuestion: null });

  // The model was asked to score the new answer once, then to extract each stage once and to
  // write the charter's review and summary once: nothing else, nothing twice.
  const asked = claude.generationRequests().slice(seen).map(askedFor);
  expect(asked).toHaveLength(1 + STAGES.length + 2);
  expect(asked[0]).toBe(SCORING);
  expect(asked.filter((purpose) => purpose === SCORING)).toHaveLength(1);
  expect(new Set(asked).size).toBe(asked.length);
  // Each is a request the session itself made (an extraction or a finish step), no new kind.
  for (const purpose of asked) expect(sessionRequests).toContain(purpose);

  // Stage 1 holds the new answer, and every stage was re-extracted, in order.
  const after = (await app.call('GET', charterPath, { token })).json;
  const problem = after.stages.businessTranslation;
  expect(problem.inputFeatures.length).toBeGreaterThan(0);
  for (const feature of problem.inputFeatures) expect(feature.availableInProduction).toBe(true);
  // The replaced answer is gone from it (the gap answer, still on record, stays).
  const replaced = 'not available until the customer has already left';
  expect(JSON.stringify(before.stages.businessTranslation)).toContain(replaced);
  expect(JSON.stringify(problem)).not.toContain(replaced);
  expect(JSON.stringify(problem)).toContain('top-up history and data usage');
  expect(after.gates.every((gate: { passed: boolean }) => gate.passed)).toBe(true);
  const streamed = await events;
  expect(
    streamed.filter((event) => event.type === 'stage.reextracted').map((event) => event.stageId),
  ).toEqual(STAGES);
  expect(streamed.find((event) => event.type === 'revision.completed')).toMatchObject({
    revisionId: revised.json.revision.id,
    rebuilt: STAGES,
    resultRebuilt: true,
  });

  // Decided again: the gate that capped the decision passes now.
  expect(after.decision).toMatchObject({ decision: 'proceed', failedGates: [] });
  expect(after.quickFacts.decision).toBe('proceed');
  const list = (await app.call('GET', '/api/v1/sessions', { token })).json.items;
  expect(list.find((item: { id: string }) => item.id === session.id).outcome).toBe('Proceed');

  // The history keeps both charters, and every stage's versions with the revision's own.
  const history = (await app.call('GET', `/api/v1/sessions/${session.id}/history`, { token })).json;
  expect(history.reports.map((entry: { report: unknown }) => entry.report)).toEqual([
    before,
    after,
  ]);
  expect(history.reports[1].revisionId).toBe(revised.json.revision.id);
  expect(history.results).toHaveLength(2);
  const rebuilt = history.artifacts.filter(
    (entry: { revisionId: string | null }) => entry.revisionId === revised.json.revision.id,
  );
  expect(rebuilt.map((entry: { stageId: string }) => entry.stageId)).toEqual(STAGES);
  expect(history.answers.find((turn: { id: string }) => turn.id === inputs.id)).toMatchObject({
    answer: LATE_INPUTS,
    revisedBy: expect.any(String),
  });
}

describe('revising a stage 1 answer of a completed U-AIP session over HTTP', () => {
  onEveryStorage(
    'rebuilds every stage on the new answer, decides again and keeps the old charter',
    reviseStageOne,
  );
});
