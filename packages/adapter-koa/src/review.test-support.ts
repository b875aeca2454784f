import { completeScoping, SCOPING_ANSWERS } from './session-driver.test-support';
import type { CallResult, TestApi } from './test-api.test-support';

/**
 * {@link SCOPING_ANSWERS} with every ethical risk at severity 4 and likelihood 4 and nothing
 * mitigated: the demo model extracts those figures, every principle is CRITICAL, and the
 * governance rules decide "Halt", one of the decisions that call for a committee review.
 */
export const HALT_ANSWERS: Record<string, string> = {
  ...SCOPING_ANSWERS,
  risks:
    'Fairness: older customers may get fewer offers, severity 4, likelihood 4. Privacy: usage data could be exposed, severity 4, likelihood 4. Transparency: agents may not understand scores, severity 4, likelihood 4. Safety: a scoring outage leaves queues empty, severity 4, likelihood 4. Human agency: agents may over-trust scores, severity 4, likelihood 4.',
  mitigations: 'Nothing is mitigated: 0% of every risk is removed.',
};

/** Starts a U-AIP session over HTTP and completes it with the decision "Halt". */
export function completeHalted(api: TestApi, token: string): Promise<string> {
  return completeScoping(api, token, HALT_ANSWERS);
}

/** `POST /sessions/:id/review` as `token`. */
export function requestReview(
  api: TestApi,
  token: string,
  sessionId: string,
  body: Record<string, unknown>,
): Promise<CallResult> {
  return api.call('POST', `/api/v1/sessions/${sessionId}/review`, { token, body });
}

/** `POST /sessions/:id/review/votes` as `token`. */
export function castVote(
  api: TestApi,
  token: string,
  sessionId: string,
  vote: 'approve' | 'reject' | string,
  comment = 'The risks are stated and owned',
): Promise<CallResult> {
  return api.call('POST', `/api/v1/sessions/${sessionId}/review/votes`, {
    token,
    body: { vote, comment },
  });
}
