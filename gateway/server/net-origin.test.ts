import { describe, expect, it } from 'vitest';
import { AddressMatcher, isLocalHostname, isLoopbackIp, resolveClientAddress } from './net.js';
import { checkOrigin, normalizeOrigin, ownOrigins } from './origin.js';
import { AuthRateLimiter } from './rate-limit.js';
import { authorizeSharedSecret, safeEqualSecret, truncateCloseReason } from './auth.js';

describe('locality', () => {
  it('decides loopback on parsed IPs, never on prefixes', () => {
    for (const local of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '::ffff:127.0.0.1',
      'localhost',
      'LOCALHOST.',
    ]) {
      expect(isLocalHostname(local), local).toBe(true);
    }
    for (const remote of [
      '127.evil.test',
      'localhost.evil.test',
      '0x7f.1',
      '10.0.0.1',
      '172.17.0.1',
      '::ffff:10.0.0.1',
      '',
    ]) {
      expect(isLocalHostname(remote), remote).toBe(false);
    }
    expect(isLoopbackIp('192.168.65.1')).toBe(false);
  });

  it('treats forwarded headers from an untrusted peer as remote', () => {
    const none = new AddressMatcher([]);
    const spoofed = resolveClientAddress(
      '127.0.0.1',
      { host: '127.0.0.1:18789', 'x-forwarded-for': '127.0.0.1' },
      none,
    );
    expect(spoofed.localDirect).toBe(false);
    expect(spoofed.untrustedForwarding).toBe(true);
    const direct = resolveClientAddress('::ffff:127.0.0.1', { host: 'localhost:18789' }, none);
    expect(direct.localDirect).toBe(true);
    const rebinding = resolveClientAddress('127.0.0.1', { host: 'evil.test:18789' }, none);
    expect(rebinding.localDirect).toBe(false);
    const dockerNat = resolveClientAddress('172.17.0.1', { host: '127.0.0.1:18789' }, none);
    expect(dockerNat.localDirect).toBe(false);
  });

  it('takes the client from X-Forwarded-For only through a trusted proxy', () => {
    const trusted = new AddressMatcher(['10.0.0.0/8']);
    const info = resolveClientAddress(
      '10.1.1.1',
      { host: 'gw', 'x-forwarded-for': '203.0.113.7, 10.2.2.2' },
      trusted,
    );
    expect(info.clientIp).toBe('203.0.113.7');
    expect(info.localDirect).toBe(false);
  });
});

describe('origin gate', () => {
  const base = {
    hostHeader: '127.0.0.1:18789',
    allowHostHeaderFallback: false,
    ownOrigins: ownOrigins(18789, '127.0.0.1'),
  };
  const allowed = ['http://localhost:18789', 'http://127.0.0.1:18789'];

  it('normalises scheme, case and default ports', () => {
    expect(normalizeOrigin('HTTP://LocalHost:80')).toBe('http://localhost');
    expect(normalizeOrigin('https://a.test:443')).toBe('https://a.test');
    expect(normalizeOrigin('javascript:alert(1)')).toBeUndefined();
    expect(normalizeOrigin('http://user:pw@a.test')).toBeUndefined();
  });

  it('allows listed origins and refuses others, including null', () => {
    expect(
      checkOrigin({ ...base, origin: 'http://127.0.0.1:18789', allowedOrigins: allowed }).ok,
    ).toBe(true);
    expect(checkOrigin({ ...base, origin: 'http://evil.test', allowedOrigins: allowed }).ok).toBe(
      false,
    );
    expect(
      checkOrigin({ ...base, origin: 'http://127.0.0.1:9999', allowedOrigins: allowed }).ok,
    ).toBe(false);
    expect(checkOrigin({ ...base, origin: 'null', allowedOrigins: ['*'] }).ok).toBe(false);
    expect(checkOrigin({ ...base, origin: 'http://evil.test', allowedOrigins: ['*'] }).ok).toBe(
      true,
    );
  });

  it('allows the gateway’s own origins, not every loopback origin', () => {
    for (const own of ['http://localhost:18789', 'http://127.0.0.1:18789', 'http://[::1]:18789']) {
      expect(checkOrigin({ ...base, origin: own, allowedOrigins: [] }).ok, own).toBe(true);
    }
    // Another local port is another program: it must be listed.
    expect(
      checkOrigin({ ...base, origin: 'http://localhost:5173', allowedOrigins: allowed }).ok,
    ).toBe(false);
    expect(
      checkOrigin({
        ...base,
        origin: 'http://localhost:5173',
        allowedOrigins: [...allowed, 'http://localhost:5173'],
      }).ok,
    ).toBe(true);
    expect(ownOrigins(18789, '192.168.1.20')).toContain('http://192.168.1.20:18789');
    expect(ownOrigins(18789, '0.0.0.0')).not.toContain('http://0.0.0.0:18789');
  });
});

describe('rate limiter', () => {
  it('locks out after max attempts within the window and forgets after the lockout', () => {
    let now = 1_000;
    const limiter = new AuthRateLimiter(
      { maxAttempts: 3, windowMs: 60_000, lockoutMs: 300_000 },
      () => now,
    );
    for (let i = 0; i < 3; i += 1) limiter.recordFailure('k');
    const locked = limiter.check('k');
    expect(locked.allowed).toBe(false);
    now += 300_001;
    expect(limiter.check('k').allowed).toBe(true);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const limiter = new AuthRateLimiter(
      { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 },
      Date.now,
      1000,
    );
    for (let i = 0; i < 20_000; i += 1) limiter.recordFailure(`origin:${i}`);
    expect(limiter.size).toBeLessThanOrEqual(1000);
  });
});

describe('shared secret', () => {
  it('compares in constant time and distinguishes missing from mismatch', () => {
    expect(safeEqualSecret('abc', 'abc')).toBe(true);
    expect(safeEqualSecret('abc', 'abcd')).toBe(false);
    expect(authorizeSharedSecret({ mode: 'token', token: 't0ken' }, {})).toEqual({
      ok: false,
      reason: 'token_missing',
    });
    expect(authorizeSharedSecret({ mode: 'token' }, { token: 'x' })).toEqual({
      ok: false,
      reason: 'token_missing_config',
    });
    expect(authorizeSharedSecret({ mode: 'token', token: 't0ken' }, { token: 't0ken' })).toEqual({
      ok: true,
      method: 'token',
    });
  });

  it('keeps close reasons within 123 bytes without splitting characters', () => {
    const reason = truncateCloseReason('é'.repeat(200));
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).not.toContain('\uFFFD');
  });
});
