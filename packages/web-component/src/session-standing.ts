import type { SessionSummary, WorkflowSummary } from './api-types';

/** How a list shows when a session was started. */
export const dateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/**
 * Where a session of a list stands: "in progress · stage 2 of 5: Value Quantification" (its
 * workflow's stage titles known), or "completed · decision: Revise".
 */
export function standing(item: SessionSummary, workflows: readonly WorkflowSummary[]): string {
  if (item.status === 'completed')
    return item.outcome ? `completed · decision: ${item.outcome}` : 'completed';
  const stages = workflows.find((workflow) => workflow.id === item.workflowId)?.stages;
  const index = stages?.findIndex((stage) => stage.id === item.currentStageId) ?? -1;
  if (!stages || index === -1) return 'in progress';
  return `in progress · stage ${index + 1} of ${stages.length}: ${stages[index]!.title}`;
}
