import type { TestApi } from './test-api.test-support';

/** A rich answer the demo scorer accepts: figures, units, dates, names. */
export const RICH_ANSWER =
  'Retention agents at Acme Telecom will call the 2,000 prepaid customers most likely to churn each week; churn is 8% per month today and should reach 5% by September 2027, measured from billing deactivations, worth 2.4 million EUR a year.';

/** Starts a U-AIP session over HTTP and answers until it completes. */
export async function completeSession(api: TestApi, token: string): Promise<string> {
  const created = await api.call('POST', '/api/v1/sessions', {
    token,
    body: { idea: 'Predict churn of prepaid customers' },
  });
  let session = created.json;
  for (let turn = 0; turn < 80 && session.pendingQuestion; turn++) {
    const answered = await api.call('POST', `/api/v1/sessions/${session.id}/answers`, {
      token,
      body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
    });
    if (answered.status !== 200)
      throw new Error(`answer failed: ${answered.status} ${answered.text}`);
    session = answered.json.session;
  }
  if (session.status !== 'completed') throw new Error('the session did not complete');
  return session.id as string;
}

/**
 * An answer per U-AIP topic (by topic id) and per stage's gap question (`gap:<stage id>`) that
 * the demo scorer accepts and every gate passes on: the session ends with "Proceed" and no
 * gap question, so what a revision rebuilds is its own doing.
 */
export const SCOPING_ANSWERS: Record<string, string> = {
  objective:
    'Reduce voluntary churn of prepaid customers from 8% to 5% per month by September 2027, worth 2.4 million EUR a year, measured from billing deactivations.',
  'why-ml':
    'Analyst rules caught only 30% of churners in 2025 because 40 usage signals interact; a quarterly report came too late, so a model that scores every customer nightly is needed.',
  'inputs-outputs':
    'Predict whether each customer churns in the next 30 days, a yes or no classification with a probability. Inputs: top-up history and data usage from the billing warehouse, and support tickets from the CRM, all available every night before scoring.',
  scope:
    'Postpaid customers are out of scope; the budget is 150,000 EUR over 6 months, GDPR applies, and we assume the CRM remains the system of record for customer contacts.',
  'gap:business-translation':
    'Every input (top-up history, data usage, support tickets) is loaded by 02:00, before the nightly scoring at 06:00; the output is a probability used as a yes or no at 0.5.',
  kpis: 'Monthly churn rate: baseline 8%, target 5% by September 2027, measured from billing deactivations. Retention cost per saved customer: baseline 40 EUR, target 30 EUR by September 2027.',
  'model-metrics':
    'Recall of at least 0.70 and precision of at least 0.40 on a 3 month holdout set, measured every month by the data team.',
  'causal-pathway':
    'Higher recall means more at-risk customers get a retention call; calls save about 25% of contacted churners, which lowers the monthly churn rate, assuming agents have capacity for 2,000 calls a week.',
  actionability:
    'Retention agents call within 72 hours of a score; scores are ready 6 hours after the nightly data load at 02:00.',
  'gap:value-quantification':
    'Recall drives the monthly churn rate KPI (more saved churners) and precision drives the retention cost KPI (fewer wasted calls); both KPIs have baselines of 8% and 40 EUR, targets of 5% and 30 EUR, by September 2027.',
  sources:
    'The billing warehouse holds 12 million rows over 3 years, updated nightly, access through the data team; the CRM holds 400,000 tickets, updated hourly, access through the CRM admins.',
  quality:
    'Accuracy 8, consistency 7, completeness 7, timeliness 9, validity 8 and integrity 7 out of 10, based on the data audit of March 2026.',
  labels:
    'Labels come from deactivation records in billing at no extra cost, 2 weeks to build, checked against 500 manually reviewed cases by two analysts.',
  'fair-infrastructure':
    'The data is findable in the data catalogue. It is accessible through the warehouse. It is interoperable as standard SQL tables. It is reusable by other teams. There is no feature store yet.',
  'gap:data-feasibility':
    'The March 2026 audit scored every dimension between 7 and 9 out of 10, an average of 7.7; labels come from 3 years of deactivation records.',
  personas:
    'Retention agents, about 40 people with intermediate skills, use the scores daily and may offer discounts up to 20%; we interviewed 12 agents in October 2026 about their call queue.',
  journey:
    'Before: agents open the call queue in the CRM at 09:00. During: they see the churn probability and the top 3 reasons, then decide whom to call first. After: they log the outcome of each call; a wrong score wastes about 10 minutes of an agent.',
  interpretability:
    "The decisions are low stakes marketing offers, GDPR applies to the personal data, and agents need the top 3 reasons for each customer's score, shown next to the score.",
  feedback:
    'Agents flag wrong scores with one click in the CRM; we retrain every quarter, or sooner when recall on the last month drops below 0.60.',
  'gap:user-centricity':
    'We interviewed 12 retention agents in October 2026 and observed 3 shifts in the call centre; the journey covers the 09:00 queue review, the call, and the outcome log.',
  risks:
    'Fairness: older customers may get fewer offers, severity 2, likelihood 2. Privacy: usage data could be exposed, severity 2, likelihood 1. Transparency: agents may not understand scores, severity 1, likelihood 2. Safety: a scoring outage leaves queues empty, severity 1, likelihood 2. Human agency: agents may over-trust scores, severity 2, likelihood 2.',
  mitigations:
    'A monthly fairness audit by age band removes about 50% of the fairness risk; access controls remove 60% of the privacy risk; reason codes remove 50% of the transparency risk; a fallback queue removes 70% of the outage risk; training removes 40% of the over-trust risk.',
  'residual-monitoring':
    'The head of customer care accepts the residual risk and signs it off every quarter; a weekly dashboard tracks recall, offer rates by age band and complaints from 2,000 weekly calls.',
  escalation:
    'We escalate when offer rates differ by more than 10 points between age bands, and shut scoring down when recall stays below 0.40 for 2 weeks; the product owner decides within 1 working day.',
  'gap:ethical-governance':
    'Each of the five principles has at least one risk above, with severity and likelihood from 1 to 2 out of 4, and a mitigation that removes 40% to 70% of it.',
};

/** The answer to a pending question from `answers` ({@link SCOPING_ANSWERS}), or {@link RICH_ANSWER}. */
export function scopingAnswer(
  question: { kind: string; stageId: string; topicId: string | null },
  answers: Record<string, string> = SCOPING_ANSWERS,
) {
  const key = question.kind === 'gap' ? `gap:${question.stageId}` : (question.topicId ?? '');
  return answers[key] ?? RICH_ANSWER;
}

/**
 * Starts a U-AIP session over HTTP and completes it with `answers` ({@link SCOPING_ANSWERS}:
 * the decision is "Proceed").
 */
export async function completeScoping(
  api: TestApi,
  token: string,
  answers: Record<string, string> = SCOPING_ANSWERS,
): Promise<string> {
  const created = await api.call('POST', '/api/v1/sessions', {
    token,
    body: { idea: 'Predict which prepaid mobile customers will churn next month' },
  });
  let session = created.json;
  for (let turn = 0; turn < 40 && session.pendingQuestion; turn++) {
    const answered = await api.call('POST', `/api/v1/sessions/${session.id}/answers`, {
      token,
      body: {
        questionId: session.pendingQuestion.id,
        answer: scopingAnswer(session.pendingQuestion, answers),
      },
    });
    if (answered.status !== 200)
      throw new Error(`answer failed: ${answered.status} ${answered.text}`);
    session = answered.json.session;
  }
  if (session.status !== 'completed') throw new Error('the session did not complete');
  return session.id as string;
}
