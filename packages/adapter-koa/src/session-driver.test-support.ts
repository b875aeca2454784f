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
