import type { RecordedRequest } from '@uaip/core/testing';
import { describe, expect } from 'vitest';
import { type AppProcess, signIn } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';

// Time travel end to end (issue 22): the reference app as `npm start` runs it (on embedded
// storage, and on PostgreSQL when there is one), the real Claude client against a fake Claude that answers like the demo
// provider. A whole U-AIP session whose stage 1 names an input that only exists after the
// customer left (its gate fails, and the charter's decision is capped at Revise), then the
// revision of that answer: everything built on it is rebuilt, the decision is decided again.

/** An answer per topic and per gap question that passes every gate (examples/embed/answers.txt). */
const ANSWERS: Record<string, string> = {
  objective:
    'Reduce voluntary churn of prepaid customers from 8% to 5% per month by September 2027, worth 2.4 million EUR a year, measured from billing deactivations.',
  'why-ml':
    'Analyst rules caught only 30% of churners in 2025 because 40 usage signals interact; a quarterly report came too late, so a model that scores every customer nightly is needed.',
  'inputs-outputs':
    'Predict whether each customer churns in the next 30 days, a yes or no classification with a probability. Inputs: top-up history and data usage from the billing warehouse, and support tickets from the CRM, all available every night before scoring.',
  scope:
    'Postpaid customers are out of scope; the budget is 150,000 EUR over 6 months, GDPR applies, and we assume the CRM remains the system of record for customer contacts.',
  kpis: 'Monthly churn rate: baseline 8%, target 5% by September 2027, measured from billing deactivations. Retention cost per saved customer: baseline 40 EUR, target 30 EUR by September 2027.',
  'model-metrics':
    'Recall of at least 0.70 and precision of at least 0.40 on a 3 month holdout set, measured every month by the data team.',
  'causal-pathway':
    'Higher recall means more at-risk customers get a retention call; calls save about 25% of contacted churners, which lowers the monthly churn rate, assuming agents have capacity for 2,000 calls a week.',
  actionability:
    'Retention agents call within 72 hours of a score; scores are ready 6 hours after the nightly data load at 02:00.',
  sources:
    'The billing warehouse holds 12 million rows over 3 years, updated nightly, access through the data team; the CRM holds 400,000 tickets, updated hourly, access through the CRM admins.',
  quality:
    'Accuracy 8, consistency 7, completeness 7, timeliness 9, validity 8 and integrity 7 out of 10, based on the data audit of March 2026.',
  labels:
    'Labels come from deactivation records in billing at no extra cost, 2 weeks to build, checked against 500 manually reviewed cases by two analysts.',
  'fair-infrastructure':
    'The data is findable in the data catalogue. It is accessible through the warehouse. It is interoperable as standard SQL tables. It is reusable by other teams. There is no feature store yet.',
  personas:
    'Retention agents, about 40 people with intermediate skills, use the scores daily and may offer discounts up to 20%; we interviewed 12 agents in October 2026 about their call queue.',
  journey:
    'Before: agents open the call queue in the CRM at 09:00. During: they see the churn probability and the top 3 reasons, then decide whom to call first. After: they log the outcome of each call; a wrong score wastes about 10 minutes of an agent.',
  interpretability:
    "The decisions are low stakes marketing offers, GDPR applies to the personal data, and agents need the top 3 reasons for each customer's score, shown next to the score.",
  feedback:
    'Agents flag wrong scores with one click in the CRM; we retrain every quarter, or sooner when recall on the last month drops below 0.60.',
  risks:
    'Fairness: older customers may get fewer offers, severity 2, likelihood 2. Privacy: usage data could be exposed, severity 2, likelihood 1. Transparency: agents may not understand scores, severity 1, likelihood 2. Safety: a scoring outage leaves queues empty, severity 1, likelihood 2. Human agency: agents may over-trust scores, severity 2, likelihood 2.',
  mitigations:
    'A monthly fairness audit by age band removes about 50% of the fairness risk; access controls remove 60% of the privacy risk; reason codes remove 50% of the transparency risk; a fallback queue removes 70% of the outage risk; training removes 40% of the over-trust risk.',
  'residual-monitoring':
    'The head of customer care accepts the residual risk and signs it off every quarter; a weekly dashboard tracks recall, offer rates by age band and complaints from 2,000 weekly calls.',
  escalation:
    'We escalate when offer rates differ by more than 10 points between age bands, and shut scoring down when recall stays below 0.40 for 2 weeks; the product owner decides within 1 working day.',
};
/** The first answer to stage 1's inputs: the exit survey exists only once the customer left. */
const LATE_INPUTS =
  'Predict whether each customer churns in the next 30 days, a yes or no classification. Inputs: answers to the exit survey in the CRM, which are not available until the customer has already left.';
/** A gap answer that does not make the exit survey available any sooner. */
const GAP =
  'The exit survey asks customers why they leave; retention agents read it every Monday in the CRM and we keep 3 years of answers.';
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

/** Reads the session's event stream, from now until `last`; resolves with the events' data. */
async function followEvents(app: AppProcess, token: string, sessionId: string, last: string) {
  const abort = new AbortController();
  const response = await fetch(`${app.url}/api/v1/sessions/${sessionId}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes(': connected')) text += (await reader.read()).value ?? '';
  return (async () => {
    while (!text.includes(`event: ${last}\n`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    abort.abort();
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; [key: string]: unknown });
  })();
}

/**
 * A whole session whose stage 1 gate fails, then the revision of the answer that failed it:
 * the charter is rebuilt on the new answer and decided again, the old one kept.
 */
async function reviseStageOne({ app, claude }: RunningApp) {
  const token = await signIn(app);
  // A whole session; stage 1 names an input that does not exist at prediction time.
  const created = await app.call('POST', '/api/v1/sessions', {
    token,
    body: { idea: 'Predict which prepaid mobile customers will churn next month' },
  });
  let session = created.json;
  for (let turn = 0; turn < 40 && session.pendingQuestion; turn++) {
    const pending = session.pendingQuestion;
    const answer =
      pending.kind === 'gap'
        ? GAP
        : pending.topicId === 'inputs-outputs'
          ? LATE_INPUTS
          : ANSWERS[pending.topicId]!;
    const answered = await app.call('POST', `/api/v1/sessions/${session.id}/answers`, {
      token,
      body: { questionId: pending.id, answer },
    });
    expect(answered.status, answered.text).toBe(200);
    session = answered.json.session;
  }
  expect(session.status).toBe('completed');
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
  const events = followEvents(app, token, session.id, 'revision.completed');
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
