import type { LlmCallRecord, UsageTotals } from './types';

/** Adds one LLM call to a session's usage totals, in place (an unpriced call adds no cost). */
export function addToTotals(usage: UsageTotals, call: LlmCallRecord): void {
  usage.calls += 1;
  usage.inputTokens += call.inputTokens;
  usage.outputTokens += call.outputTokens;
  usage.cacheReadTokens += call.cacheReadTokens;
  usage.cacheWriteTokens += call.cacheWriteTokens;
  if (call.costUsd === null) usage.unpricedCalls += 1;
  else usage.costUsd += call.costUsd;
}
