import { UaipError } from '../errors';
import type { Stage, Workflow } from '../workflow/types';

/** Which workflow (and which of its versions) serves which id. */
export interface AgentRegistry {
  /** The version new sessions of this workflow start on: the last one registered. */
  latest(workflowId: string): Workflow | undefined;
  /** The exact version a session started on; `invalid_state` when it is no longer served. */
  resolve(workflowId: string, version: string): Workflow;
  stage(workflow: Workflow, stageId: string): Stage;
  /** The newest version of each workflow. */
  list(): Workflow[];
}

export function createAgentRegistry(workflows: Workflow[]): AgentRegistry {
  const byId = new Map<string, Map<string, Workflow>>();
  for (const workflow of workflows) {
    const versions = byId.get(workflow.id) ?? new Map<string, Workflow>();
    versions.set(workflow.version, workflow);
    byId.set(workflow.id, versions);
  }
  const latest = (workflowId: string) => {
    const versions = byId.get(workflowId);
    return versions ? [...versions.values()].at(-1) : undefined;
  };
  return {
    latest,
    resolve(workflowId, version) {
      const workflow = byId.get(workflowId)?.get(version);
      if (!workflow) {
        throw new UaipError(
          'invalid_state',
          `This session runs version ${version} of workflow "${workflowId}", which this server no longer serves`,
        );
      }
      return workflow;
    },
    stage(workflow, stageId) {
      const stage = workflow.stages.find((candidate) => candidate.id === stageId);
      if (!stage)
        throw new UaipError('invalid_state', `Workflow "${workflow.id}" has no stage "${stageId}"`);
      return stage;
    },
    list: () => [...byId.keys()].map((id) => latest(id)!),
  };
}
