import { ERROR_CODES, UaipError } from '@uaip/core';
import { describe, expect, it } from 'vitest';
import { STATUS_BY_CODE, toErrorResponse } from './index';

describe('toErrorResponse', () => {
  it('gives each contract code its status and keeps message and details', () => {
    const error = new UaipError('validation_failed', 'Invalid body', {
      details: [{ path: 'idea', message: 'Required' }],
    });
    expect(toErrorResponse(error, 'req-1')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid body',
          details: [{ path: 'idea', message: 'Required' }],
          requestId: 'req-1',
        },
      },
    });
  });

  it('has a status for every code, all of them 4xx or 5xx', () => {
    for (const code of ERROR_CODES) expect(STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
    expect(toErrorResponse(new UaipError('not_found', 'x'), 'r').status).toBe(404);
    expect(toErrorResponse(new UaipError('session_completed', 'x'), 'r').status).toBe(422);
    expect(toErrorResponse(new UaipError('llm_unavailable', 'x'), 'r').status).toBe(503);
  });

  it('turns a retry hint into whole seconds for Retry-After', () => {
    const error = new UaipError('rate_limited', 'Slow down', { retryAfterMs: 1_200 });
    expect(toErrorResponse(error, 'r').retryAfterSeconds).toBe(2);
  });

  it('hides everything about an unexpected error', () => {
    const leaky = new Error('relation "users" does not exist: SELECT * FROM users WHERE ...');
    const response = toErrorResponse(leaky, 'req-9');
    expect(response).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'Internal server error', requestId: 'req-9' } },
    });
    expect(JSON.stringify(response)).not.toContain('SELECT');
  });
});
