// @vitest-environment happy-dom
// The wizard's Sandbox step: off by default (continue without it), turned on without a second
// question, the applied state lets the wizard go on.
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxSettingsView } from '../../../../electron/contract/sandbox-schemas.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { createAppStore } from '../store/app-store.js';
import { SandboxStep } from './sandbox-step.js';

afterEach(() => cleanup());

const OFF: SandboxSettingsView = {
  enabled: false,
  mode: 'off',
  scope: 'agent',
  workspaceAccess: 'none',
  image: 'openclaw-sandbox:bookworm-slim',
  imageKind: 'default',
  standardImages: {
    default: 'openclaw-sandbox:bookworm-slim',
    common: 'openclaw-sandbox-common:bookworm-slim',
  },
  baseHash: null,
};

function mount(handlers: Parameters<typeof fakeHostApi>[0], onDone: () => void) {
  const host = fakeHostApi(handlers);
  const view = render(
    <HostProvider connection={host}>
      <AppStoreProvider store={createAppStore(host)}>
        <SandboxStep onDone={onDone} />
      </AppStoreProvider>
    </HostProvider>,
  );
  return { host, ...view };
}

describe('SandboxStep', () => {
  it('is off by default and goes on without a sandbox', async () => {
    let done = 0;
    const { host, container } = mount({ 'sandbox.settings': () => OFF }, () => (done += 1));
    await flush();
    expect(container.textContent).toContain('Off by default');
    expect(container.textContent).toContain('sandboxd');
    expect(
      container.querySelector<HTMLInputElement>('input[type="radio"][value="off"]')?.checked,
    ).toBe(true);
    click(getButton(container, 'Continue without a sandbox'));
    expect(done).toBe(1);
    expect(host.callsTo('sandbox.apply')).toEqual([]);
  });

  it('builds and turns on at once (no confirmation), then continues', async () => {
    let done = 0;
    const { host, container } = mount(
      {
        'sandbox.settings': () => OFF,
        'sandbox.apply': ({ policy }) => ({ ...OFF, enabled: true, ...policy }),
      },
      () => (done += 1),
    );
    await flush();
    click(container.querySelector('input[type="radio"][value="non-main"]'));
    expect(getButton(container, 'Skip for now')).toBeTruthy();
    click(getButton(container, 'Build and turn on'));
    await flush();
    expect(document.querySelector('dialog[open]')).toBeNull();
    expect(host.callsTo('sandbox.apply')).toEqual([
      {
        enabled: true,
        policy: { mode: 'non-main', scope: 'agent', workspaceAccess: 'none' },
        image: { kind: 'default' },
      },
    ]);
    click(getButton(container, 'Continue'));
    expect(done).toBe(1);
  });
});
