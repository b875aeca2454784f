import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inSchemaOrder } from './artifact-order';

const schema = z.object({
  businessObjective: z.string(),
  aiJustification: z.string(),
  inputFeatures: z.array(z.object({ name: z.string(), availableInProduction: z.boolean() })),
  target: z.object({ name: z.string(), type: z.string() }).optional(),
});

describe('inSchemaOrder', () => {
  it("puts an artifact's keys in the schema's order, however storage returned them", () => {
    // PostgreSQL's jsonb returns keys shortest first; the schema says what a reader expects.
    const fromJsonb = {
      target: { type: 'binary', name: 'churn' },
      inputFeatures: [{ availableInProduction: true, name: 'logins' }],
      aiJustification: 'Rules missed 70%',
      businessObjective: 'Cut churn',
      meanQuality: 7,
      feasibility: 'high',
    };
    const ordered = inSchemaOrder(fromJsonb, schema) as Record<string, unknown>;
    expect(JSON.stringify(ordered)).toBe(
      JSON.stringify({
        businessObjective: 'Cut churn',
        aiJustification: 'Rules missed 70%',
        inputFeatures: [{ name: 'logins', availableInProduction: true }],
        target: { name: 'churn', type: 'binary' },
        // What `derive` added comes last, sorted, so it is stable too.
        feasibility: 'high',
        meanQuality: 7,
      }),
    );
  });
});
