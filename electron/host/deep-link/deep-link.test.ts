import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, MAX_DEEP_LINK_LENGTH, parseDeepLink } from './deep-link.js';

describe('parseDeepLink', () => {
  it('opens the pages it knows', () => {
    expect(parseDeepLink('openclaw-desktop://approvals')).toEqual({ page: 'approvals' });
    expect(parseDeepLink('openclaw-desktop://chat')).toEqual({ page: 'control/chat' });
    expect(parseDeepLink('openclaw-desktop://settings')).toEqual({ page: 'settings' });
    expect(parseDeepLink('openclaw-desktop://logs/')).toEqual({ page: 'logs' });
    expect(parseDeepLink('openclaw-desktop://control/sessions')).toEqual({
      page: 'control/sessions',
    });
    expect(parseDeepLink('OpenClaw-Desktop://Approvals')).toEqual({ page: 'approvals' });
    expect(parseDeepLink('openclaw-desktop:approvals')).toEqual({ page: 'approvals' });
    expect(parseDeepLink('openclaw-desktop://')).toEqual({ page: 'dashboard' });
  });

  it('scrolls to a request or a settings section', () => {
    expect(parseDeepLink('openclaw-desktop://approvals/7c1e9b2a-4f0d-4b61')).toEqual({
      page: 'approvals',
      focus: 'approval-7c1e9b2a-4f0d-4b61',
    });
    expect(parseDeepLink('openclaw-desktop://settings/sandbox')).toEqual({
      page: 'settings',
      focus: 'settings-sandbox-heading',
    });
    expect(parseDeepLink('openclaw-desktop://settings/Model?x=1#y')).toEqual({
      page: 'settings',
      focus: 'settings-model-heading',
    });
  });

  it('keeps the page but drops a detail it cannot use', () => {
    expect(parseDeepLink('openclaw-desktop://approvals/%3Cscript%3E')).toEqual({
      page: 'approvals',
      ignored: 'not a request id',
    });
    expect(parseDeepLink('openclaw-desktop://settings/secrets')).toMatchObject({
      page: 'settings',
    });
    expect(parseDeepLink('openclaw-desktop://logs/123').page).toBe('logs');
  });

  it('anything else opens the dashboard, never throws', () => {
    const odd: unknown[] = [
      'openclaw-desktop://nowhere',
      'openclaw-desktop://approvals/a/b',
      'openclaw-desktop://approvals/%E0%A4%A',
      'openclaw-desktop://approvals/x y',
      'openclaw-desktop://approvals/\u0000',
      `openclaw-desktop://approvals/${'a'.repeat(MAX_DEEP_LINK_LENGTH)}`,
      'https://evil.example/approvals',
      'javascript:alert(1)',
      'openclaw-desktop://__proto__',
      'openclaw-desktop://constructor',
      '',
      42,
      null,
      undefined,
      { href: 'openclaw-desktop://approvals' },
    ];
    for (const input of odd) {
      const target = parseDeepLink(input);
      expect(target.page).toBe('dashboard');
      expect(target.ignored).toBeTypeOf('string');
      expect(target.focus).toBeUndefined();
    }
  });
});

describe('deepLinkFromArgv', () => {
  it('finds the link Windows and Linux pass as an argument', () => {
    expect(
      deepLinkFromArgv([
        'C:\\Program Files\\openclaw-desktop.exe',
        '--allow-file-access-from-files',
        'openclaw-desktop://approvals/abc',
      ]),
    ).toBe('openclaw-desktop://approvals/abc');
    expect(
      deepLinkFromArgv(['/opt/OpenClaw Desktop/openclaw-desktop', 'OPENCLAW-DESKTOP://chat']),
    ).toBe('OPENCLAW-DESKTOP://chat');
  });

  it('ignores arguments that only contain the scheme, and plain starts', () => {
    expect(deepLinkFromArgv(['app', '--url=openclaw-desktop://chat'])).toBeUndefined();
    expect(deepLinkFromArgv(['app', 'https://openclaw-desktop.example/'])).toBeUndefined();
    expect(deepLinkFromArgv(['/usr/bin/openclaw-desktop'])).toBeUndefined();
    expect(deepLinkFromArgv([])).toBeUndefined();
  });
});
