import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../../gateway/infra/errors.js';
import {
  liveViewUnavailable,
  liveViewUrl,
  NOVNC_PORT_LABEL,
  publishedAddress,
} from './sandbox-live-view.js';
import { configuredImageFor, pruneReason } from './sandbox-containers.js';

const TOKEN = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';
const browser = (noVncPort: string) => ({
  'openclaw.sandbox': '1',
  'openclaw.browser': '1',
  [NOVNC_PORT_LABEL]: noVncPort,
});

function inspectWith(ports: Record<string, { HostIp: string; HostPort: string }[] | null>) {
  return { NetworkSettings: { Ports: ports } } as unknown as Dockerode.ContainerInspectInfo;
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isOpenClawError(err)) return err.message;
    throw err;
  }
  throw new Error('did not throw');
}

describe('live view link', () => {
  it('builds the viewer URL from the token and password, the password only in the fragment', () => {
    const url = liveViewUrl('b', '127.0.0.1:49153', {
      exitCode: 0,
      stdout: `${TOKEN} p@ss/word\n`,
      stderr: '',
    });
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('http://127.0.0.1:49153/vnc.html');
    expect(parsed.searchParams.get('autoconnect')).toBe('1');
    expect(parsed.searchParams.get('resize')).toBe('scale');
    expect(parsed.searchParams.get('path')).toBe(`websockify?token=${TOKEN}`);
    expect(parsed.search).not.toContain('p%40ss');
    expect(decodeURIComponent(parsed.hash)).toBe('#password=p@ss/word');
  });

  it('says to rebuild the image when the link script is missing', () => {
    const message = thrown(() =>
      liveViewUrl('sbx-b', '127.0.0.1:1', {
        exitCode: 127,
        stdout: '',
        stderr: 'sh: openclaw-novnc-link: not found',
      }),
    );
    expect(message).toMatch(/older browser image without openclaw-novnc-link/);
    expect(message).toMatch(/scripts\/sandbox-browser-setup\.sh/);
    expect(message).toMatch(/recreate/i);
  });

  it('tells to retry shortly while noVNC is still starting', () => {
    const message = thrown(() =>
      liveViewUrl('sbx-b', 'h:1', {
        exitCode: 1,
        stdout: '',
        stderr: 'openclaw-novnc-link: noVNC is not running in this container (headless?)',
      }),
    );
    expect(message).toMatch(/noVNC is not up in sbx-b yet.*Try again in a few seconds/);
  });

  it('refuses output that is not a 32-character token and a password, without echoing it', () => {
    for (const stdout of ['short pw', `${TOKEN}`, `${TOKEN}!x pw`, '']) {
      const message = thrown(() =>
        liveViewUrl('sbx-b', 'h:1', { exitCode: 0, stdout, stderr: '' }),
      );
      expect(message).toMatch(/could not make a viewer link \(openclaw-novnc-link exited 0\)/);
      expect(message).not.toContain(TOKEN);
    }
  });

  it('finds the published port, loopback for a wildcard bind', () => {
    expect(
      publishedAddress(
        inspectWith({ '6080/tcp': [{ HostIp: '127.0.0.1', HostPort: '5000' }] }),
        6080,
      ),
    ).toBe('127.0.0.1:5000');
    expect(
      publishedAddress(
        inspectWith({ '6080/tcp': [{ HostIp: '0.0.0.0', HostPort: '5001' }] }),
        6080,
      ),
    ).toBe('127.0.0.1:5001');
    expect(
      publishedAddress(inspectWith({ '6080/tcp': [{ HostIp: '::1', HostPort: '5002' }] }), 6080),
    ).toBe('[::1]:5002');
    expect(publishedAddress(inspectWith({ '6080/tcp': null }), 6080)).toBeUndefined();
    expect(publishedAddress(inspectWith({}), 6080)).toBeUndefined();
  });

  it('says why a container has no live view', () => {
    expect(liveViewUnavailable(browser('6080'), true)).toBeUndefined();
    expect(liveViewUnavailable(browser(''), true)).toMatch(/headless/);
    expect(liveViewUnavailable(browser('6080'), false)).toMatch(/not running/);
    expect(liveViewUnavailable({ 'openclaw.sandbox': '1' }, true)).toMatch(/not a browser/);
  });
});

describe('configured image per kind', () => {
  const config = {
    agents: {
      defaults: { sandbox: { docker: { image: 'tools:1' }, browser: { image: 'chrome:1' } } },
      list: [{ id: 'web', sandbox: { browser: { image: 'chrome:web' } } }],
    },
  };
  it('takes a browser sandbox image from sandbox.browser.image, agent first', () => {
    expect(configuredImageFor(config, 'web', 'browser')).toBe('chrome:web');
    expect(configuredImageFor(config, 'main', 'browser')).toBe('chrome:1');
    expect(configuredImageFor(config, 'web')).toBe('tools:1');
    expect(configuredImageFor({}, 'main', 'browser')).toBe(
      'openclaw-sandbox-browser:bookworm-slim',
    );
    expect(configuredImageFor({}, 'main')).toBe('openclaw-sandbox:bookworm-slim');
  });
});

describe('prune failure reason', () => {
  it("keeps the engine's words, without the HTTP wrapper", () => {
    const engine = Object.assign(
      new Error('(HTTP code 409) unexpected - removal of container x is already in progress '),
      { statusCode: 409, json: { message: 'removal of container x is already in progress' } },
    );
    expect(pruneReason(engine)).toBe('removal of container x is already in progress');
    const noJson = new Error(
      '(HTTP code 500) server error - driver failed to remove root filesystem',
    );
    expect(pruneReason(noJson)).toBe('driver failed to remove root filesystem');
    expect(pruneReason(new Error('Sandbox container x no longer exists. Refresh the list.'))).toBe(
      'Sandbox container x no longer exists. Refresh the list.',
    );
  });
});
