import type { ErrorDetail } from '../errors';
import { buildReport } from '../orchestrator/build-report';
import type { LlmCallRecord, SessionRecord, TurnRecord } from '../storage/types';
import type { Workflow } from '../workflow/types';
import type { SessionExport } from './schema';

/**
 * Where the export's artifacts are not their stages': a completed stage without an artifact or
 * a gate, or an artifact its stage's schema refuses (the first few issues, at their paths).
 * Questions, gates and the report read these artifacts, so one the workflow could not have
 * written would fail every later turn of the imported session. Artifacts are kept as recorded:
 * a stage's `derive` step is not always idempotent (U-AIP's user centricity notes why it raised
 * the interpretability level, which a second pass no longer sees), so it is not run again.
 */
export function artifactProblems(document: SessionExport, workflow: Workflow): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  document.session.stages.forEach((record, index) => {
    const path = `session.stages.${index}`;
    const stage = workflow.stages[index];
    if (record.status === 'completed' && (record.artifact === null || record.gate === null)) {
      problems.push({ path, message: 'A completed stage has an artifact and a gate' });
    }
    if (!stage || record.artifact === null) return;
    const parsed = stage.artifact.safeParse(record.artifact);
    if (parsed.success) return;
    for (const issue of parsed.error.issues.slice(0, 5)) {
      problems.push({
        path: [`${path}.artifact`, ...issue.path].join('.'),
        message: `Not an artifact of stage "${stage.id}": ${issue.message}`,
      });
    }
  });
  return problems;
}

/**
 * Why the report of the session about to be imported cannot be built, or null. A completed
 * session's result is the workflow's own (U-AIP's consistency review and summary, written by an
 * LLM), so it cannot be derived again; building the report once, in every format, proves that
 * the result, the artifacts and the transcript it reads fit, before anything is stored.
 */
export function reportProblem(
  workflow: Workflow,
  session: SessionRecord,
  turns: TurnRecord[],
  calls: LlmCallRecord[],
): ErrorDetail | null {
  if (!workflow.report || session.status !== 'completed') return null;
  try {
    const built = buildReport(workflow, workflow.report, { session, turns, calls, review: null });
    workflow.report.markdown(built);
    workflow.report.html(built);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { path: 'session', message: `Its report cannot be built: ${reason}` };
  }
}
