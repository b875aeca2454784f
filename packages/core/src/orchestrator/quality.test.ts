import { describe, expect, it } from 'vitest';
import { decideQuality, qualitySettings } from '../index';

describe('decideQuality (threshold 7, 3 answers)', () => {
  const settings = qualitySettings();
  it.each([
    // score, attempt, decision
    [7, 1, { kind: 'accept', escalated: false }],
    [10, 1, { kind: 'accept', escalated: false }],
    [6, 1, { kind: 'follow_up' }],
    [0, 2, { kind: 'follow_up' }],
    [6, 3, { kind: 'accept', escalated: true }],
    [7, 3, { kind: 'accept', escalated: false }],
    [9, 3, { kind: 'accept', escalated: false }],
  ] as const)('score %i on answer %i → %o', (score, attempt, decision) => {
    expect(decideQuality(score, attempt, settings)).toEqual(decision);
  });
});

describe('qualitySettings', () => {
  it('defaults to threshold 7 and 3 answers', () => {
    expect(qualitySettings()).toEqual({ threshold: 7, maxAttempts: 3 });
  });
  it('refuses settings that would make a dead end or never accept', () => {
    expect(() => qualitySettings({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => qualitySettings({ maxAttempts: 1.5 })).toThrow(RangeError);
    expect(() => qualitySettings({ threshold: 11 })).toThrow(RangeError);
    expect(() => qualitySettings({ threshold: -1 })).toThrow(RangeError);
  });
  it('with one answer allowed, a low first answer is accepted and escalated', () => {
    expect(decideQuality(2, 1, qualitySettings({ maxAttempts: 1 }))).toEqual({
      kind: 'accept',
      escalated: true,
    });
  });
});
