import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../infra/errors.js';
import {
  isFailoverWorthy,
  scrubProviderText,
  translateProviderFailure,
} from './provider-errors.js';

const base = {
  provider: 'openai',
  modelId: 'gpt-4.1',
  keySource: 'env OPENAI_API_KEY',
  aborted: false,
  started: false,
  secrets: ['sk-proj-abcdefghijklmnop0123456789'],
};

describe('translateProviderFailure', () => {
  it.each([
    [
      '401 Incorrect API key provided: sk-proj-********************6789.',
      ErrorCode.PROVIDER_AUTH_FAILED,
    ],
    [
      '403 {"type":"error","error":{"type":"permission_error","message":"no access"}}',
      ErrorCode.PROVIDER_AUTH_FAILED,
    ],
    ['402 Payment required', ErrorCode.PROVIDER_RATE_LIMITED],
    [
      '429 You exceeded your current quota, please check your plan and billing details.',
      ErrorCode.PROVIDER_RATE_LIMITED,
    ],
    ['429 Rate limit reached. Please try again in 1.5s.', ErrorCode.PROVIDER_RATE_LIMITED],
    ['404 The model `gpt-9` does not exist', ErrorCode.MODEL_NOT_FOUND],
    [
      '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      ErrorCode.PROVIDER_UNAVAILABLE,
    ],
    ['422 Unprocessable', ErrorCode.PROVIDER_REQUEST_REJECTED],
    ['Connection error.', ErrorCode.PROVIDER_UNREACHABLE],
    ['Request timed out.', ErrorCode.PROVIDER_TIMEOUT],
    ['Something odd', ErrorCode.PROVIDER_UNAVAILABLE],
  ])('%s → %s', (message, code) => {
    const err = translateProviderFailure({ ...base, message });
    expect(err.code).toBe(code);
    expect(err.message).not.toMatch(/sk-proj/);
    expect(err.message).toContain('gpt-4.1');
  });

  it('keeps the retry hint of a 429 and says what to do', () => {
    const err = translateProviderFailure({
      ...base,
      message: '429 Rate limit reached. Please try again in 1.5s.',
    });
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 1500 });
    expect(err.message).toMatch(/wait 2 s.*fallback model/);
    // "Retry-After: 0" (or under a second) is no wait worth naming.
    const now = translateProviderFailure({
      ...base,
      message: '429 Rate limit reached. Please try again in 0s.',
    });
    expect(now.message).not.toMatch(/wait 0 s/);
    expect(now.message).toMatch(/Wait a moment and send again/);
  });

  it('a failure after the answer started is an interruption; an abort is CANCELLED', () => {
    expect(translateProviderFailure({ ...base, message: 'terminated', started: true }).code).toBe(
      ErrorCode.PROVIDER_STREAM_INTERRUPTED,
    );
    expect(
      translateProviderFailure({ ...base, message: 'Request was aborted', aborted: true }).code,
    ).toBe(ErrorCode.CANCELLED);
  });

  it('fails over on provider failures, not on rejected requests or cancels', () => {
    const worthy = (message: string, extra = {}) =>
      isFailoverWorthy(translateProviderFailure({ ...base, message, ...extra }));
    expect(worthy('401 nope')).toBe(true);
    expect(worthy('500 boom')).toBe(true);
    expect(worthy('Connection error.')).toBe(true);
    expect(worthy('400 bad')).toBe(false);
    expect(worthy('aborted', { aborted: true })).toBe(false);
  });
});

describe('scrubProviderText', () => {
  it('removes the key in use and key-shaped strings, and bounds the length', () => {
    const text = scrubProviderText(
      `bad key sk-proj-abcdefghijklmnop0123456789 or sk-ant-api03-XXXXXXXX and AIzaSyA1234567890abcdef ${'x'.repeat(400)}`,
      ['sk-proj-abcdefghijklmnop0123456789'],
    );
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain('api03');
    expect(text).not.toContain('AIza');
    expect(text.length).toBeLessThanOrEqual(241);
  });
});
