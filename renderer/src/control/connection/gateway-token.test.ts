// @vitest-environment happy-dom
/**
 * The `#token=` fragment: out of the address bar at once, kept in sessionStorage for the page's
 * own gateway only, never in a log line, never offered to another gateway.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureGatewayTokenFromUrl,
  gatewayScope,
  pageGatewayUrl,
  parseControlUiUrl,
  readGatewayToken,
  type TokenEnvironment,
} from './gateway-token.js';

const TOKEN = 'sekr3t-Token_value';

function setUrl(href: string): void {
  window.history.replaceState(null, '', href);
}

function logCalls(spies: Array<ReturnType<typeof vi.spyOn>>): string {
  return JSON.stringify(spies.flatMap((spy) => spy.mock.calls));
}

describe('captureGatewayTokenFromUrl (in a browser page)', () => {
  let spies: Array<ReturnType<typeof vi.spyOn>>;

  beforeEach(() => {
    sessionStorage.clear();
    spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
  });

  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it('strips #token= from the address bar and keeps it for this gateway', () => {
    setUrl(`${location.origin}/control/devices#token=${TOKEN}`);
    const replace = vi.spyOn(window.history, 'replaceState');
    expect(captureGatewayTokenFromUrl()).toBe(true);
    expect(replace).toHaveBeenCalledTimes(1);
    expect(location.href).toBe(`${location.origin}/control/devices`);
    expect(location.href).not.toContain(TOKEN);
    expect(readGatewayToken(pageGatewayUrl(location.href))).toBe(TOKEN);
    // Only the own gateway's key holds it.
    expect(readGatewayToken('ws://192.0.2.10:18789')).toBeUndefined();
    expect(logCalls(spies)).not.toContain(TOKEN);
    replace.mockRestore();
  });

  it('keeps the other fragment parameters (the headless host token) untouched', () => {
    setUrl(`${location.origin}/#hostToken=abc%2Bdef&token=${TOKEN}&x`);
    captureGatewayTokenFromUrl();
    expect(location.hash).toBe('#hostToken=abc%2Bdef&x');
    expect(location.href).not.toContain(TOKEN);
  });

  it('also moves the legacy ?token= out of the address bar', () => {
    setUrl(`${location.origin}/control?token=${TOKEN}&lang=en`);
    captureGatewayTokenFromUrl();
    expect(location.href).toBe(`${location.origin}/control?lang=en`);
    expect(readGatewayToken(pageGatewayUrl(location.href))).toBe(TOKEN);
  });

  it('decodes an encoded token (the desktop app encodes it)', () => {
    setUrl(`${location.origin}/#token=${encodeURIComponent('a/b+c=')}`);
    captureGatewayTokenFromUrl();
    expect(readGatewayToken(pageGatewayUrl(location.href))).toBe('a/b+c=');
  });

  it('does nothing (and does not touch history) without a token', () => {
    setUrl(`${location.origin}/control#section`);
    const replace = vi.spyOn(window.history, 'replaceState');
    expect(captureGatewayTokenFromUrl()).toBe(false);
    expect(replace).not.toHaveBeenCalled();
    expect(location.hash).toBe('#section');
    replace.mockRestore();
  });

  it('strips an empty token= too, without storing anything', () => {
    setUrl(`${location.origin}/control#token=`);
    expect(captureGatewayTokenFromUrl()).toBe(false);
    expect(location.href).toBe(`${location.origin}/control`);
    expect(sessionStorage.length).toBe(0);
  });
});

describe('captureGatewayTokenFromUrl (injected environment)', () => {
  it('strips before storing, so a failing storage never leaves the token in the bar', () => {
    let href = 'http://127.0.0.1:18789/control#token=abc';
    const env: TokenEnvironment = {
      location: {
        get href() {
          return href;
        },
      },
      history: {
        state: null,
        replaceState: (_d, _u, url) => {
          href = new URL(String(url), href).href;
        },
      },
      sessionStorage: {
        getItem: () => null,
        setItem: () => {
          throw new Error('QuotaExceededError');
        },
        removeItem: () => {},
      },
    };
    expect(captureGatewayTokenFromUrl(env)).toBe(true);
    expect(href).toBe('http://127.0.0.1:18789/control');
  });
});

describe('parseControlUiUrl', () => {
  it('turns the desktop app dashboard URL into a gateway target', () => {
    expect(parseControlUiUrl(`http://127.0.0.1:18789/#token=${encodeURIComponent(TOKEN)}`)).toEqual(
      {
        url: 'ws://127.0.0.1:18789',
        token: TOKEN,
      },
    );
    expect(parseControlUiUrl('https://gw.example:8443/')).toEqual({ url: 'wss://gw.example:8443' });
    expect(() => parseControlUiUrl('file:///etc/passwd')).toThrow(/Not a Control UI address/);
  });
});

describe('gatewayScope', () => {
  it('normalises the address credentials are kept under', () => {
    expect(gatewayScope('WS://LocalHost:18789/')).toBe('ws://localhost:18789');
    expect(gatewayScope('wss://gw.example:443/base/')).toBe('wss://gw.example/base');
    expect(gatewayScope('ws://127.0.0.1:18789')).not.toBe(gatewayScope('ws://127.0.0.1:18790'));
  });
});
