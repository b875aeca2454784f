import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  demoProvider,
  type Principal,
  type UaipError,
} from '../index';
import { recordUaip } from '../replay/uaip-recording.test-support';
import { fixedClock } from '../testing/index';
import { uaipWorkflow } from '../uaip/workflow';
import type { SessionExport } from './schema';

// What an import refuses beyond the schema: text no storage keeps, nesting no parser survives,
// numbers past any real session, and artifacts, states and results the workflow could not have
// written. Each would otherwise be stored and fail later (a 500 from PostgreSQL, a report that
// throws, a governance decision nobody derived).

const bob: Principal = { userId: 'bob' };
let recorded: SessionExport;

beforeAll(async () => {
  recorded = await recordUaip();
});

function target() {
  const clock = fixedClock('2026-03-02T09:00:00Z');
  return createOrchestrator({
    storage: createMemoryStorage(),
    llm: demoProvider({ now: () => clock.now() }),
    workflows: [uaipWorkflow],
    clock,
  });
}

/** A copy of the recorded export (read back through JSON, as from a file), changed by `edit`. */
function edited(edit: (document: SessionExport) => void): SessionExport {
  const document = structuredClone(recorded);
  edit(document);
  return document;
}

/** The import's outcome: the error's code, message and details, or the imported session. */
async function attempt(document: unknown) {
  const orchestrator = target();
  try {
    const session = await orchestrator.importSession(bob, document);
    return { code: 'ok', session, orchestrator } as const;
  } catch (error) {
    const { code, message, details = [] } = error as UaipError;
    expect((await orchestrator.list(bob)).items).toEqual([]);
    return { code, message, details } as const;
  }
}

async function refusedAt(document: unknown): Promise<string[]> {
  const outcome = await attempt(document);
  expect(outcome.code).toBe('validation_failed');
  return outcome.code === 'ok' ? [] : outcome.details.map((detail) => detail.path);
}

const ethics = (document: SessionExport) =>
  document.session.stages.find((stage) => stage.stageId === 'ethical-governance')!;

describe('importing a session refuses what it could not keep or use', () => {
  it('imports the genuine export with its artifacts and report unchanged', async () => {
    const outcome = await attempt(JSON.parse(JSON.stringify(recorded)));
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    const again = await outcome.orchestrator.exportSession(bob, outcome.session.id);
    expect(again.session.stages).toEqual(recorded.session.stages);
    const report = await outcome.orchestrator.report(bob, outcome.session.id, 'markdown');
    expect(report.body).toContain(recorded.session.title);
  });

  it('refuses a NUL character or a lone surrogate in a value or a key, at its path', async () => {
    expect(
      await refusedAt(
        edited((d) => {
          d.session.idea = 'churn\u0000';
        }),
      ),
    ).toEqual(['session.idea']);
    // As the HTTP body parser reads it: JSON's escape makes a lone surrogate.
    const lone = JSON.parse(JSON.stringify(recorded).replace('"idea":"', '"idea":"\\ud800'));
    expect(await refusedAt(lone)).toEqual(['session.idea']);
    const key = edited((d) => {
      (d.session.stages[0]!.artifact as Record<string, unknown>)['bad\udc00key'] = 1;
    });
    expect(await refusedAt(key)).toEqual(['session.stages.0.artifact']);
    // The text "\u0000", a backslash and five characters, is fine.
    const literal = await attempt(
      edited((d) => {
        d.session.idea = 'see \\u0000 here';
      }),
    );
    expect(literal.code).toBe('ok');
  });

  it('refuses deep nesting with a clear error instead of a stack overflow', async () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = { next: deep };
    const document = edited((d) => {
      d.session.result = { deep: 1 };
    });
    (document.session.result as { deep: unknown }).deep = deep;
    const outcome = await attempt(document);
    expect(outcome.code).toBe('validation_failed');
    if (outcome.code === 'ok') return;
    expect(outcome.details[0]!.message).toBe('Nested more than 64 levels deep');
    expect(outcome.details[0]!.path.length).toBeLessThanOrEqual(301);
  });

  it('refuses numbers no session reaches', async () => {
    expect(
      await refusedAt(
        edited((d) => {
          d.session.version = 1e12;
        }),
      ),
    ).toEqual(['session.version']);
    expect(
      await refusedAt(
        edited((d) => {
          d.turns[0]!.attempt = 1e10;
        }),
      ),
    ).toEqual(['turns.0.attempt']);
    expect(
      await refusedAt(
        edited((d) => {
          d.usage[0]!.inputTokens = 1e15;
        }),
      ),
    ).toEqual(['usage.0.inputTokens']);
  });

  it('names an unknown version briefly, however long it is', async () => {
    const outcome = await attempt({ ...recorded, version: 'x'.repeat(4_000_000) });
    expect(outcome.code).toBe('validation_failed');
    if (outcome.code === 'ok') return;
    expect(outcome.message).toBe(
      'Unknown session export version (a string): this server reads version 1',
    );
  });

  it("refuses an artifact that is not its stage's, naming the field", async () => {
    const document = edited((d) => {
      (d.session.stages[0]!.artifact as Record<string, unknown>).businessObjective = 42;
    });
    const outcome = await attempt(document);
    expect(outcome.code).toBe('validation_failed');
    if (outcome.code === 'ok') return;
    expect(outcome.details.map((detail) => detail.path)).toEqual([
      'session.stages.0.artifact.businessObjective',
    ]);
    expect(outcome.details[0]!.message).toMatch(/^Not an artifact of stage "business-translation"/);
  });

  it('refuses a completed session whose report cannot be built from it', async () => {
    expect(
      await refusedAt(
        edited((d) => {
          d.session.result = null;
        }),
      ),
    ).toEqual(['session']);
    const garbage = edited((d) => {
      d.session.result = { outcome: 'Proceed' };
    });
    expect(await refusedAt(garbage)).toEqual(['session']);
    // What U-AIP's rules derived, and the charter's decision reads, is not in the stage's schema.
    const noGovernance = edited((d) => {
      delete (ethics(d).artifact as { governance?: unknown }).governance;
    });
    expect(await refusedAt(noGovernance)).toEqual(['session']);
  });

  it('refuses states the workflow never reaches', async () => {
    const unfinished = edited((d) => {
      ethics(d).status = 'active';
    });
    expect(await refusedAt(unfinished)).toContain('session.stages');
    const noArtifact = edited((d) => {
      ethics(d).artifact = null;
    });
    expect(await refusedAt(noArtifact)).toContain('session.stages.4');
  });
});

describe('importing a session under way', () => {
  it('refuses a pending question of another stage than the current one', async () => {
    const active = await recordUaip({ stopAfter: 3 });
    expect(active.session.status).toBe('active');
    expect((await attempt(structuredClone(active))).code).toBe('ok');
    const document = structuredClone(active);
    document.session.pending!.stageId = 'ethical-governance';
    expect(await refusedAt(document)).toContain('session.pending.stageId');
  });
});
