import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { Ollama } from 'ollama';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  answerScoreSchema,
  anthropicProvider,
  defineStage,
  defineTopic,
  defineWorkflow,
  followUpSchema,
  generateObject,
  ollamaProvider,
  outputSchemaProblems,
  ProviderError,
  structuredOutputProblems,
  structuredOutputSchema,
} from '../index';
import { demoResponder } from '../testing/index';
import { consistencyReviewSchema, executiveSummarySchema, uaipWorkflow } from '../uaip/index';
import { useFakeLlmServers } from './fake-servers.test-support';

// The contract: every schema the product can ask a model for is accepted by the fakes, which
// refuse what Claude's API and Ollama refuse, through the real SDK clients.
const fakes = useFakeLlmServers();
beforeAll(() => {
  fakes.claude.respond(demoResponder('anthropic'));
  fakes.ollama.respond(demoResponder('ollama'));
});

const PRODUCT_SCHEMAS: Array<[string, z.ZodType]> = [
  ['scoring', answerScoreSchema],
  ['follow-up', followUpSchema],
  ...uaipWorkflow.stages.map((stage): [string, z.ZodType] => [
    `artifact of ${stage.id}`,
    stage.artifact,
  ]),
  ['consistency review', consistencyReviewSchema],
  ['charter summary', executiveSummarySchema],
];

const ask = (content: string) => ({
  tier: 'balanced' as const,
  system: 'Fill the schema from the answers.',
  messages: [{ role: 'user' as const, content }],
});
/** The provider's own failure behind an error (a 400, a 500), if there was one. */
function providerFailure(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause as Error) {
    if (current instanceof ProviderError) return `${current.kind}: ${current.message}`;
  }
  return undefined;
}

const ANSWERS =
  'Answers: we run 40 gyms with 120,000 members; churn is 4.1% a month; reduce it to 3% by Q4.';

describe('the structured-output subset', () => {
  it.each(PRODUCT_SCHEMAS)('the %s schema, adapted, is inside the subset', (_name, schema) => {
    const sent = structuredOutputSchema(z.toJSONSchema(schema, { io: 'output' }) as never);
    expect(structuredOutputProblems(sent)).toEqual([]);
    expect(outputSchemaProblems(schema)).toEqual([]);
  });

  it.each(PRODUCT_SCHEMAS)(
    'Claude (real SDK, fake API) accepts the %s schema and the reply passes the full schema',
    async (_name, schema) => {
      const before = fakes.claude.generationRequests().length;
      const anthropic = anthropicProvider({ apiKey: 'sk-test', baseURL: fakes.claude.url });
      const result = await generateObject(anthropic, schema, ask(ANSWERS));
      expect(schema.safeParse(result.value).success).toBe(true);
      // One request: no 400, no re-ask.
      expect(fakes.claude.generationRequests().length - before).toBe(1);
    },
  );

  it.each(PRODUCT_SCHEMAS)(
    'Ollama (real client, fake server) accepts the %s schema as its format',
    async (_name, schema) => {
      const before = fakes.ollama.generationRequests().length;
      const local = ollamaProvider({ host: fakes.ollama.url });
      const result = await generateObject(local, schema, ask(ANSWERS));
      expect(schema.safeParse(result.value).success).toBe(true);
      expect(fakes.ollama.generationRequests().length - before).toBe(1);
    },
  );

  it("refuses a raw z.toJSONSchema() output with the API's own error", async () => {
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: fakes.claude.url, maxRetries: 0 });
    const raw = z.toJSONSchema(answerScoreSchema, { io: 'output' }) as Record<string, unknown>;
    const error = await client.messages
      .create({
        model: 'claude-haiku-5-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Score: we want fewer churners.' }],
        output_config: { format: { type: 'json_schema', schema: raw } },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          "output_config.format.schema: For 'integer' type, properties maximum, minimum are not supported",
      },
    });
  });

  it.each([
    [
      { type: 'object', properties: { a: { type: 'string' } } },
      "'additionalProperties' must be explicitly set to false",
    ],
    [{ type: 'string', maxLength: 5 }, "For 'string' type, property 'maxLength' is not supported"],
    [{ type: 'string', format: 'credit-card' }, "format 'credit-card' is not supported"],
    [
      { type: 'array', items: { type: 'string' }, minItems: 2 },
      "'minItems' values other than 0 or 1",
    ],
    [
      { type: 'array', items: { type: 'string' }, maxItems: 2 },
      "property 'maxItems' is not supported",
    ],
    [{ type: 'number', exclusiveMaximum: 1 }, "property 'exclusiveMaximum' is not supported"],
    [{ oneOf: [{ type: 'string' }, { type: 'null' }] }, "'oneOf' is not supported"],
    [{ $ref: '#' }, 'Recursive schemas are not supported'],
    [{ description: 'anything' }, 'must have a type'],
  ])('names what the API refuses in %j', (schema, message) => {
    expect(structuredOutputProblems(schema).join('\n')).toContain(message);
  });

  it("answers 500 like Ollama to a format its grammar converter can't read", async () => {
    const client = new Ollama({ host: fakes.ollama.url });
    const chat = (format: unknown) =>
      client
        .chat({
          model: 'llama3.2',
          messages: [{ role: 'user', content: 'x' }],
          format: format as string,
        })
        .then(
          () => null,
          (error: { status_code?: number; error?: string }) => [error.status_code, error.error],
        );
    expect(await chat({ type: 'string', pattern: 'abc' })).toEqual([
      500,
      'invalid JSON schema in format',
    ]);
    expect(await chat({ description: 'no type' })).toEqual([500, 'invalid JSON schema in format']);
    expect(await chat('yaml')).toEqual([
      500,
      'invalid format: "\\"yaml\\""; expected "json" or a valid JSON Schema object',
    ]);
  });
});

describe('workflows a user defines', () => {
  const topic = defineTopic({ id: 't', question: 'What?' });
  const workflowWith = (artifact: z.ZodType) =>
    defineWorkflow({
      id: 'w',
      version: '1',
      title: 'W',
      description: 'W',
      stages: [defineStage({ id: 's', title: 'S', description: 'S', topics: [topic], artifact })],
    });

  it.each([
    [z.object({ scores: z.record(z.string(), z.number()) }), 'scores is a record'],
    [z.object({ anything: z.unknown() }), 'must have a type'],
    [z.object({ when: z.date() }), 'has no JSON Schema'],
  ])('refuses an artifact schema that cannot be asked for (%#)', (artifact, message) => {
    expect(() => workflowWith(artifact)).toThrow(message);
  });

  it('refuses a recursive artifact schema', () => {
    const node: z.ZodType = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    expect(() => workflowWith(node)).toThrow('Recursive schemas are not supported');
  });

  // Random artifact schemas built from what zod offers: every one defineWorkflow accepts is
  // accepted by the fake Claude API and the fake Ollama, and the reply validates.
  const leaf = fc.oneof(
    fc.record({ min: fc.nat(5), extra: fc.nat(20) }).map(({ min, extra }) =>
      z
        .string()
        .min(min)
        .max(min + extra + 1),
    ),
    fc.record({ min: fc.integer({ min: -5, max: 5 }), span: fc.nat(10) }).map(({ min, span }) =>
      z
        .number()
        .int()
        .min(min)
        .max(min + span),
    ),
    fc.constant(z.number().positive().lt(1000)),
    fc.constant(z.boolean()),
    fc.constant(z.enum(['low', 'medium', 'high'])),
    fc.constant(z.literal('fixed')),
    fc.constant(z.email()),
    fc.constant(z.uuid()),
    fc.constant(z.iso.datetime()),
    fc.constant(z.url()),
    fc.constant(z.string().regex(/^[A-Z]{2}-\d+$/)),
  );
  const node: fc.Arbitrary<z.ZodType> = fc.letrec<{ node: z.ZodType }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .record({ item: tie('node'), min: fc.nat(2), extra: fc.nat(3) })
        .map(({ item, min, extra }) =>
          z
            .array(item)
            .min(min)
            .max(min + extra),
        ),
      fc
        .dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/), tie('node'), {
          minKeys: 1,
          maxKeys: 4,
        })
        .map((shape) => z.object(shape)),
      tie('node').map((inner) => inner.optional()),
      tie('node').map((inner) => inner.nullable()),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => z.union([a, b])),
    ),
  })).node;
  const artifactSchema = fc
    .dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/), node, { minKeys: 1, maxKeys: 5 })
    .map((shape) => z.object(shape));

  it('accepts only artifact schemas both fakes accept, and their replies validate', async () => {
    await fc.assert(
      fc.asyncProperty(artifactSchema, async (artifact) => {
        const workflow = workflowWith(artifact);
        const schema = workflow.stages[0]!.artifact;
        for (const provider of [
          anthropicProvider({ apiKey: 'sk-test', baseURL: fakes.claude.url }),
          ollamaProvider({ host: fakes.ollama.url }),
        ]) {
          // Demo answers may miss a pattern or a length now and then: what matters here is
          // that the request is accepted (a refusal is a bad_request that stops, or a 500).
          await generateObject(provider, schema, ask(ANSWERS)).catch((error: unknown) => {
            expect(providerFailure(error)).toBeUndefined();
          });
        }
      }),
      { numRuns: 40 },
    );
  });
});
