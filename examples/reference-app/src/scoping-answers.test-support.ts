import { expect } from 'vitest';
import type { AppProcess } from './app-process.test-support';

// What the reference app's end-to-end scenarios answer: a U-AIP session on the demo's rules.

/** An answer per topic and per gap question that passes every gate (examples/embed/answers.txt). */
export const ANSWERS: Record<string, string> = {
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
/**
 * Every ethical risk at severity 4 and likelihood 4, nothing mitigated: the demo extracts those
 * figures, every principle is CRITICAL and the governance rules decide "Halt", a decision that
 * calls for the committee.
 */
export const HALT_ANSWERS: Record<string, string> = {
  ...ANSWERS,
  risks:
    'Fairness: older customers may get fewer offers, severity 4, likelihood 4. Privacy: usage data could be exposed, severity 4, likelihood 4. Transparency: agents may not understand scores, severity 4, likelihood 4. Safety: a scoring outage leaves queues empty, severity 4, likelihood 4. Human agency: agents may over-trust scores, severity 4, likelihood 4.',
  mitigations: 'Nothing is mitigated: 0% of every risk is removed.',
};

/** Stage 1's inputs as first given: the exit survey exists only once the customer left. */
export const LATE_INPUTS =
  'Predict whether each customer churns in the next 30 days, a yes or no classification. Inputs: answers to the exit survey in the CRM, which are not available until the customer has already left.';
/** A gap answer that does not make the exit survey available any sooner. */
export const GAP =
  'The exit survey asks customers why they leave; retention agents read it every Monday in the CRM and we keep 3 years of answers.';

/** A question a session waits on, as the API gives it. */
export interface PendingQuestion {
  id: string;
  kind: string;
  topicId: string;
}

/**
 * The answers of a session whose stage 1 names an input that does not exist at prediction
 * time (LATE_INPUTS, and GAP to every gap question): its gate fails, and the charter's
 * decision is capped at Revise. Every other topic from ANSWERS.
 */
export const lateInputsAnswer = (pending: PendingQuestion): string =>
  pending.kind === 'gap'
    ? GAP
    : pending.topicId === 'inputs-outputs'
      ? LATE_INPUTS
      : ANSWERS[pending.topicId]!;

/**
 * Starts a session as `token` and answers every question from `answers` (by topic, or as the
 * function says); the completed session.
 */
export async function completeSession(
  app: AppProcess,
  token: string,
  answers: Record<string, string> | ((pending: PendingQuestion) => string),
  idea = 'Predict which prepaid mobile customers will churn next month',
) {
  const created = await app.call('POST', '/api/v1/sessions', { token, body: { idea } });
  expect(created.status, created.text).toBe(201);
  let session = created.json;
  for (let turn = 0; turn < 40 && session.pendingQuestion; turn++) {
    const pending: PendingQuestion = session.pendingQuestion;
    const answer =
      typeof answers === 'function'
        ? answers(pending)
        : (answers[pending.topicId] ?? 'Nothing to add to what was said before.');
    const answered = await app.call('POST', `/api/v1/sessions/${session.id}/answers`, {
      token,
      body: { questionId: pending.id, answer },
    });
    expect(answered.status, answered.text).toBe(200);
    session = answered.json.session;
  }
  expect(session.status).toBe('completed');
  return session;
}
