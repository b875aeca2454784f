import { outputSchemaProblems } from '../llm/output-schema';
import type { Stage, Topic, Workflow } from './types';

/**
 * Declares a topic. An identity function that exists for type inference and readability.
 *
 * @example
 * ```ts
 * const goal = defineTopic({ id: 'goal', question: 'What outcome do you want, by when?' });
 * ```
 */
export function defineTopic(topic: Topic): Topic {
  return topic;
}

/**
 * Declares a stage; the gate's artifact type is inferred from the zod schema.
 *
 * @example
 * ```ts
 * const scope = defineStage({
 *   id: 'scope',
 *   title: 'Scope',
 *   description: 'What is in and out',
 *   topics: [goal],
 *   artifact: z.object({ goal: z.string() }),
 *   gate: (artifact) => ({ passed: artifact.goal !== '', missing: artifact.goal ? [] : ['goal'] }),
 * });
 * ```
 */
export function defineStage<Extracted, Artifact = Extracted>(
  stage: Stage<Extracted, Artifact>,
): Stage {
  return stage as unknown as Stage;
}

/**
 * Declares a workflow and checks that it can run: at least one stage, each with at least one
 * topic, no duplicate stage or topic ids, and artifact schemas that can be asked for as
 * structured output (`outputSchemaProblems`: no records, no `z.unknown()`, no recursion).
 *
 * @example
 * ```ts
 * const workflow = defineWorkflow({
 *   id: 'scoping', version: '1', title: 'Scoping', description: 'Scope a project',
 *   stages: [scope],
 * });
 * ```
 */
export function defineWorkflow(workflow: Workflow): Workflow {
  const problems: string[] = [];
  if (workflow.stages.length === 0) problems.push('it has no stages');
  const stageIds = new Set<string>();
  for (const stage of workflow.stages) {
    if (stageIds.has(stage.id)) problems.push(`stage id "${stage.id}" is used twice`);
    stageIds.add(stage.id);
    if (stage.topics.length === 0) problems.push(`stage "${stage.id}" has no topics`);
    const topicIds = new Set<string>();
    for (const topic of stage.topics) {
      if (topicIds.has(topic.id))
        problems.push(`topic id "${topic.id}" is used twice in "${stage.id}"`);
      topicIds.add(topic.id);
    }
    // The artifact schema is sent to the model as structured output: refuse one it cannot be.
    for (const problem of outputSchemaProblems(stage.artifact))
      problems.push(`the artifact schema of "${stage.id}" cannot be sent to a model: ${problem}`);
  }
  if (problems.length > 0) {
    throw new TypeError(`Workflow "${workflow.id}" is invalid: ${problems.join('; ')}`);
  }
  return workflow;
}
