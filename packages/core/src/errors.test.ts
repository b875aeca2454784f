import { describe, expect, it } from 'vitest';
import { ERROR_CODES, UaipError } from './index';

describe('UaipError', () => {
  it('carries its code, details, retry hint and cause', () => {
    const cause = new Error('socket hang up');
    const error = new UaipError('llm_unavailable', 'No LLM provider answered', {
      cause,
      retryAfterMs: 2000,
    });
    expect(error.code).toBe('llm_unavailable');
    expect(error.message).toBe('No LLM provider answered');
    expect(error.retryAfterMs).toBe(2000);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised across package copies, and plain errors are not', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('uaip.error')]: true });
    expect(UaipError.isInstance(new UaipError('conflict', 'busy'))).toBe(true);
    expect(UaipError.isInstance(foreign)).toBe(true);
    expect(UaipError.isInstance(new Error('x'))).toBe(false);
    expect(UaipError.isInstance(null)).toBe(false);
  });

  it('knows every code of the HTTP contract', () => {
    expect(ERROR_CODES).toContain('validation_failed');
    expect(ERROR_CODES).toContain('storage_unavailable');
    // The contract's fifteen, and `forbidden` (403) for a member acting beyond their role.
    expect(ERROR_CODES).toContain('forbidden');
    expect(new Set(ERROR_CODES).size).toBe(16);
  });
});
