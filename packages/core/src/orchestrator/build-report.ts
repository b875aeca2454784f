import type { LlmCallRecord, SessionRecord, TurnRecord } from '../storage/types';
import type { Workflow, WorkflowReport } from '../workflow/types';
import { effectiveTurns } from './revision';
import type { Review } from './view-types';
import { toSession, toTurns, toUsageSummary } from './views';

/** What a completed session's report is built from, as storage holds it. */
export interface ReportSource {
  session: SessionRecord;
  turns: TurnRecord[];
  calls: LlmCallRecord[];
  review: Review | null;
}

/** The structured report of a completed session, by its workflow's own `build`. */
export function buildReport(
  workflow: Workflow,
  report: WorkflowReport,
  { session, turns, calls, review }: ReportSource,
): unknown {
  return report.build({
    session: toSession(session, workflow),
    turns: toTurns(effectiveTurns(turns)),
    usage: toUsageSummary(calls),
    review,
  });
}
