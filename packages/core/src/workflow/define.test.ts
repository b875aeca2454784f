import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStage, defineWorkflow } from '../index';

const stage = (id: string, topics: string[]) =>
  defineStage({
    id,
    title: id,
    description: id,
    topics: topics.map((topic) => ({ id: topic, question: topic })),
    artifact: z.object({}),
  });

describe('defineWorkflow', () => {
  it('returns a valid workflow as it is', () => {
    const workflow = {
      id: 'w',
      version: '1',
      title: 'W',
      description: 'd',
      stages: [stage('a', ['x'])],
    };
    expect(defineWorkflow(workflow)).toBe(workflow);
  });

  it('refuses a workflow that could not run, naming every problem', () => {
    expect(() =>
      defineWorkflow({ id: 'w', version: '1', title: 'W', description: 'd', stages: [] }),
    ).toThrow(/no stages/);
    expect(() =>
      defineWorkflow({
        id: 'w',
        version: '1',
        title: 'W',
        description: 'd',
        stages: [stage('a', ['x', 'x']), stage('a', [])],
      }),
    ).toThrow(
      /topic id "x" is used twice in "a"; stage id "a" is used twice; stage "a" has no topics/,
    );
  });
});
