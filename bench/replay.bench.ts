import { demoProvider, replaySessions } from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import { recordUaip } from '../packages/core/src/replay/uaip-recording.test-support';
import type { BenchReport } from './harness';

// Replay of 20 recorded U-AIP sessions on the demo provider (issue 25): the sessions are
// recorded in-process from the example answers, each with a different set of topics whose
// first answer was vague (so the records hold follow-ups), then replayed on the same version.
const TOPICS = ['objective', 'kpis', 'sources', 'personas', 'risks', 'labels', 'journey'];

export default async function run(): Promise<BenchReport> {
  const documents = [];
  for (let i = 0; i < 20; i++)
    documents.push(await recordUaip({ vague: TOPICS.filter((_, t) => (i >> t) % 2 === 1) }));
  const started = performance.now();
  const summary = await replaySessions(documents, {
    workflows: [uaipWorkflow],
    llm: demoProvider(),
  });
  const wallMs = performance.now() - started;
  const answers = summary.reports.reduce((sum, report) => sum + report.answers.length, 0);
  return {
    backend: 'memory',
    measurements: [
      { name: 'wall time, 20 sessions', value: wallMs, unit: 'ms' },
      { name: 'per session', value: wallMs / 20, unit: 'ms' },
      { name: 'answers replayed', value: answers, unit: 'answers' },
      { name: 'LLM calls of the replay', value: summary.usage.new.calls, unit: 'calls' },
      { name: 'cost of the replay', value: summary.usage.new.costUsd, unit: 'USD' },
      {
        name: 'decisions changed',
        value: summary.decisionsChanged,
        unit: 'sessions',
        goal: { op: '<=', value: 0 },
      },
    ],
    notes: [
      `tokens in/out: recorded ${summary.usage.old.inputTokens}/${summary.usage.old.outputTokens}, replay ${summary.usage.new.inputTokens}/${summary.usage.new.outputTokens} (demo estimates, cost 0)`,
    ],
  };
}
