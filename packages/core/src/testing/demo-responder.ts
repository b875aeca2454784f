import { demoReply } from '../llm/demo-provider';
import type { LlmRequest } from '../llm/types';
import type { FakeReply } from './fake-server-core';

/**
 * A responder for the fake Anthropic or Ollama server that answers like the demo provider:
 * scores answers by text measures and fills any requested JSON Schema from the user's answers.
 * It lets a test run whole sessions through the real SDK clients without scripting each reply.
 *
 * @example
 * ```ts
 * const claude = await startFakeAnthropic();
 * claude.respond(demoResponder('anthropic'));
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the body is the client's JSON
export function demoResponder(wire: 'anthropic' | 'ollama'): (body: any) => FakeReply {
  return (body) => {
    const request = wire === 'anthropic' ? fromAnthropic(body) : fromOllama(body);
    return { text: demoReply(request), inputTokens: 200, outputTokens: 50 };
  };
}

// biome-ignore lint/suspicious/noExplicitAny: wire formats
function fromAnthropic(body: any): LlmRequest {
  const system = Array.isArray(body.system)
    ? body.system.map((block: { text: string }) => block.text).join('\n')
    : String(body.system ?? '');
  const wire = body.output_config?.format?.schema;
  const schema = wire ? withConstraints(wire) : undefined;
  return {
    tier: 'fast',
    system,
    messages: body.messages,
    ...(schema ? { output: { name: purposeOf(schema), schema } } : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: wire formats
function fromOllama(body: any): LlmRequest {
  const [first, ...rest] = body.messages as Array<{ role: string; content: string }>;
  const system = first?.role === 'system' ? first.content : '';
  const messages = (first?.role === 'system' ? rest : body.messages) as LlmRequest['messages'];
  const schema = typeof body.format === 'object' ? withConstraints(body.format) : undefined;
  return {
    tier: 'fast',
    system,
    messages,
    ...(schema ? { output: { name: purposeOf(schema), schema } } : {}),
  };
}

/**
 * The schema with the constraints the structured-output subset moved into descriptions
 * (`…\n\n{minimum: 1, maximum: 4}`) put back, as a model reads them there: the demo answers
 * then meet them, like a real model mostly does.
 */
// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema
function withConstraints(node: any): any {
  if (Array.isArray(node)) return node.map(withConstraints);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = withConstraints(value);
  const hint = typeof node.description === 'string' ? /\{([^{}]*)\}$/.exec(node.description) : null;
  for (const [, key, value] of hint?.[1]?.matchAll(/(\w+): ("(?:[^"\\]|\\.)*"|[^,]+)/g) ?? []) {
    try {
      copy[key!] = JSON.parse(value!);
    } catch {
      // Not a constraint the transform wrote: leave the description alone.
    }
  }
  return copy;
}

/** The wire formats carry no purpose: tell scoring and follow-ups by their schema's shape. */
function purposeOf(schema: { properties?: Record<string, unknown> }): string {
  const keys = Object.keys(schema.properties ?? {})
    .sort()
    .join(',');
  if (keys === 'followUp,issues,score') return 'scoring';
  if (keys === 'question') return 'follow_up';
  return 'extraction';
}
