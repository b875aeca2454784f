import { defineWorkflow } from '../index';
import { buildCharter } from './charter/build';
import { toHtml } from './charter/html';
import { toMarkdown } from './charter/markdown';
import type { Charter } from './charter/schema';
import { charterDocument } from './charter/sections';
import { finishUaip, type UaipResult } from './finish';
import { uaipPrompts } from './prompts/index';
import { DECISION_TITLES } from './rules/governance';
import { businessTranslation } from './stages/business-translation';
import { dataFeasibility } from './stages/data-feasibility';
import { ethicalGovernance } from './stages/ethical-governance';
import { userCentricity } from './stages/user-centricity';
import { valueQuantification } from './stages/value-quantification';

/**
 * U-AIP: scopes an AI project in five stages (Business Translation, Value Quantification,
 * Data Feasibility, User Centricity, Ethical Governance), then reviews the stages against each
 * other and produces the AI Project Charter with a governance decision.
 *
 * @example
 * ```ts
 * import { createMemoryStorage, createOrchestrator } from '@uaip/core';
 * import { uaipWorkflow } from '@uaip/core/uaip';
 *
 * const orchestrator = createOrchestrator({ storage: createMemoryStorage(), llm, workflows: [uaipWorkflow] });
 * ```
 */
export const uaipWorkflow = defineWorkflow({
  id: 'uaip',
  // 2: KPIs carry their causal pathways; stage 4 records what the predictions affect.
  version: '2',
  title: 'U-AIP: AI project scoping',
  description:
    'Takes a business idea through five stages of guided conversation and ends with an AI Project Charter and a governance decision.',
  stages: [
    businessTranslation,
    valueQuantification,
    dataFeasibility,
    userCentricity,
    ethicalGovernance,
  ],
  prompts: uaipPrompts,
  finish: finishUaip,
  // The decisions the governance rules send to the AI ethics committee.
  reviewRequired: (session) =>
    [DECISION_TITLES.submit_to_committee, DECISION_TITLES.halt].includes(
      (session.result as UaipResult | null)?.outcome ?? '',
    ),
  report: {
    build: buildCharter,
    markdown: (charter) => toMarkdown(charterDocument(charter as Charter)),
    html: (charter) => toHtml(charterDocument(charter as Charter)),
  },
});
