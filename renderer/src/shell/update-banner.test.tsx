// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateView } from '../../../electron/contract/host-api.js';
import { HostProvider } from '../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../testing/dom.js';
import { fakeHostApi } from '../testing/fake-host-api.js';
import { UpdateBanner } from './update-banner.js';

afterEach(() => cleanup());

const idle: UpdateView = {
  currentVersion: '1.0.0',
  channel: 'latest',
  autoCheck: true,
  status: { state: 'idle' },
};

describe('UpdateBanner', () => {
  it('follows the update events and restarts into the downloaded version', async () => {
    const host = {
      ...fakeHostApi({
        'update.get': () => idle,
        'update.install': () => ({ restarting: true }),
      }),
      kind: 'electron' as const,
    };
    const { container } = render(
      <HostProvider connection={host}>
        <UpdateBanner />
      </HostProvider>,
    );
    await flush();
    expect(container.textContent).toBe('');
    host.emit('update', {
      ...idle,
      status: {
        state: 'downloading',
        version: '1.1.0',
        percent: 10,
        bytesPerSecond: 2048,
        transferred: 0,
        total: 0,
      },
    });
    await flush();
    expect(container.textContent).toContain('Downloading version 1.1.0 — 10%');
    expect(container.textContent).toContain('2.0 KB/s');
    host.emit('update', { ...idle, status: { state: 'downloaded', version: '1.1.0' } });
    await flush();
    click(getButton(container, 'Restart to update'));
    await flush();
    expect(host.callsTo('update.install')).toEqual([{}]);
  });

  it('is not shown by the headless host (it never updates itself)', async () => {
    const host = fakeHostApi({ 'update.get': () => idle });
    render(
      <HostProvider connection={host}>
        <UpdateBanner />
      </HostProvider>,
    );
    await flush();
    expect(host.callsTo('update.get')).toEqual([]);
  });
});
