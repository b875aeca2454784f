import type { WorkflowPrompts } from '../../index';
import { extractionPrompt } from './extraction';
import { followUpPrompt } from './follow-up';
import { scoringPrompt } from './scoring';
import { UAIP_PROMPT_VERSION } from './shared';

/** The prompts of the U-AIP workflow's turns. */
export const uaipPrompts: WorkflowPrompts = {
  version: UAIP_PROMPT_VERSION,
  scoring: scoringPrompt,
  followUp: followUpPrompt,
  extraction: extractionPrompt,
};
