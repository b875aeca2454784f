import { describe, expect, it } from 'vitest';
import { fieldChanges } from './diff';

describe('fieldChanges', () => {
  it('is empty for equal values', () => {
    expect(fieldChanges({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toEqual(
      [],
    );
  });

  it('names each changed leaf by its path, with absent fields as undefined', () => {
    expect(
      fieldChanges(
        { goal: 'cut churn', kpis: [{ name: 'churn', target: 5 }], gone: true },
        { goal: 'cut churn', kpis: [{ name: 'churn', target: 4 }, { name: 'nps' }], added: 1 },
      ),
    ).toEqual([
      { path: 'kpis[0].target', old: 5, new: 4 },
      { path: 'kpis[1]', old: undefined, new: { name: 'nps' } },
      { path: 'gone', old: true, new: undefined },
      { path: 'added', old: undefined, new: 1 },
    ]);
  });

  it('reports a value whose type changed whole, and a whole null artifact at the root', () => {
    expect(fieldChanges({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { path: 'a', old: [1], new: { 0: 1 } },
    ]);
    expect(fieldChanges(null, { a: 1 })).toEqual([{ path: '', old: null, new: { a: 1 } }]);
  });
});
