import { demoProvider, type LlmProvider, type LlmRequest, type LlmResult } from '../index';

/**
 * A fake LLM for U-AIP tests that builds every artifact from the prompt it receives: the
 * demo provider fills each schema from the delimited answers (so markers in the answers flow
 * into the artifacts), then a few notations in the answers set what a test must control:
 * `score:N` (the score of that answer), `ARCH=… OUT=…` (task type and output type),
 * `WINDOW=h LATENCY=h`, `Q=a,b,c,d,e,f` (the six quality scores), `UNAVAILABLE` (the first
 * input is missing at prediction time) and `RISK <principle> s=N l=N [m=E]` (one risk).
 */
export function uaipFakeLlm(): LlmProvider & { requests: LlmRequest[] } {
  const demo = demoProvider();
  const requests: LlmRequest[] = [];
  return {
    id: 'fake',
    requests,
    async generate(request, options): Promise<LlmResult> {
      const { validate: _validate, ...data } = request;
      requests.push(structuredClone(data));
      const base = await demo.generate(request, options);
      const text = request.messages.map((message) => message.content).join('\n');
      const value = reply(request.output?.name ?? '', text, JSON.parse(base.text || 'null'));
      const attempts = base.attempts.map((attempt) => ({
        ...attempt,
        provider: 'fake',
        model: 'fake-1',
      }));
      return { text: JSON.stringify(value), provider: 'fake', model: 'fake-1', attempts };
    },
  };
}

function lastAnswer(text: string): string {
  return [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/g)].at(-1)?.[1] ?? '';
}

// biome-ignore lint/suspicious/noExplicitAny: the demo value is whatever the schema asked for
function reply(purpose: string, text: string, value: any): unknown {
  if (purpose === 'scoring') {
    const score = Number(/score:(\d+)/.exec(lastAnswer(text))?.[1] ?? 9);
    return { score, issues: score < 7 ? ['No figures given'] : [], followUp: 'Which figures?' };
  }
  if (purpose === 'follow_up') {
    return {
      question: `Could you add what is missing (${/Missing: (.*)/.exec(text)?.[1] ?? 'detail'})?`,
    };
  }
  if (purpose === 'consistency_review') return { contradictions: [], assessment: value.assessment };
  if (text.includes('Stage: Business Translation')) {
    const archetype = /ARCH=(\w+)/.exec(text)?.[1];
    const output = /OUT=(\w+)/.exec(text)?.[1];
    if (archetype) value.mlArchetype = archetype;
    if (output) value.targetOutput.type = output;
    for (const [index, feature] of value.inputFeatures.entries()) {
      feature.availableInProduction = !(index === 0 && text.includes('UNAVAILABLE'));
    }
  }
  if (text.includes('Stage: Value Quantification')) {
    value.actionability.windowHours = Number(/WINDOW=(\d+)/.exec(text)?.[1] ?? 48);
    value.actionability.predictionLatencyHours = Number(/LATENCY=(\d+)/.exec(text)?.[1] ?? 1);
  }
  if (text.includes('Stage: Data Feasibility')) {
    const scores = /Q=(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(text)?.slice(1).map(Number);
    if (scores) {
      const [accuracy, consistency, completeness, timeliness, validity, integrity] = scores;
      value.quality = { accuracy, consistency, completeness, timeliness, validity, integrity };
    }
  }
  if (text.includes('Stage: Ethical Governance') && purpose === 'extraction') {
    const principles: Record<string, unknown[]> = {
      fairness: [],
      privacy: [],
      transparency: [],
      safety: [],
      humanAgency: [],
    };
    for (const match of text.matchAll(/RISK (\w+) s=(\d) l=(\d)(?: m=([\d.]+))?([^.<\n]*)/g)) {
      principles[match[1]!]?.push({
        description: `${match[1]} risk${match[5] ?? ''}`.trim(),
        severity: Number(match[2]),
        likelihood: Number(match[3]),
        affectedStakeholders: ['customers'],
        mitigations: match[4]
          ? [{ description: 'planned measure', effectiveness: Number(match[4]) }]
          : [],
      });
    }
    value.principles = principles;
  }
  return value;
}
