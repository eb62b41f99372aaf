// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxSettingsView } from '../../../../electron/contract/sandbox-schemas.js';
import { HostError } from '../../host/host-error.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { createAppStore } from '../store/app-store.js';
import { SandboxSection } from './sandbox-section.js';

afterEach(() => cleanup());

const HASH = 'c'.repeat(64);
const ON: SandboxSettingsView = {
  enabled: true,
  mode: 'non-main',
  scope: 'agent',
  workspaceAccess: 'none',
  image: 'openclaw-sandbox:bookworm-slim',
  baseHash: HASH,
};

function mount(handlers: Parameters<typeof fakeHostApi>[0]) {
  const host = fakeHostApi(handlers);
  const view = render(
    <HostProvider connection={host}>
      <AppStoreProvider store={createAppStore(host)}>
        <SandboxSection />
      </AppStoreProvider>
    </HostProvider>,
  );
  return { host, ...view };
}

function choose(root: ParentNode, value: string) {
  const input = root.querySelector<HTMLInputElement>(`input[type="radio"][value="${value}"]`);
  click(input);
}

describe('SandboxSection', () => {
  it('saves the chosen policy with the hash it read, warning about a shared container', async () => {
    const { host, container } = mount({
      'sandbox.settings': () => ON,
      'sandbox.savePolicy': ({ policy }) => ({ ...ON, ...policy, baseHash: 'd'.repeat(64) }),
    });
    await flush();
    expect(getButton(container, 'Save').disabled).toBe(true);
    choose(container, 'shared');
    expect(container.textContent).toContain('Sessions are not isolated from each other');
    choose(container, 'rw');
    click(getButton(container, 'Save'));
    await flush();
    expect(host.callsTo('sandbox.savePolicy')).toEqual([
      { policy: { mode: 'non-main', scope: 'shared', workspaceAccess: 'rw' }, baseHash: HASH },
    ]);
    expect(getButton(container, 'Save').disabled).toBe(true);
  });

  it('shows a refused save with the next step, and keeps the choices', async () => {
    const { container } = mount({
      'sandbox.settings': () => ON,
      'sandbox.savePolicy': () => {
        throw new HostError(
          'CONFIG_CONFLICT',
          'config changed since you loaded it; reload and retry',
        );
      },
    });
    await flush();
    choose(container, 'session');
    click(getButton(container, 'Save'));
    await flush();
    expect(container.textContent).toContain('openclaw.json changed since this form was loaded');
    expect(getButton(container, 'Save').disabled).toBe(false);
  });

  it('turns the sandbox on only after confirming, through setup', async () => {
    const { host, container } = mount({
      'sandbox.settings': () => ({ ...ON, enabled: false, mode: 'off', baseHash: null }),
      'sandbox.setEnabled': ({ enabled }) => ({ ...ON, enabled }),
    });
    await flush();
    expect(container.querySelector('fieldset')?.disabled).toBe(true);
    click(container.querySelector('input[role="switch"], input[type="checkbox"]'));
    await flush();
    expect(host.callsTo('sandbox.setEnabled')).toEqual([]);
    const dialog = document.querySelector<HTMLElement>('dialog[open]')!;
    expect(dialog.textContent).toContain('builds the sandbox image');
    click(getButton(dialog, 'Turn on'));
    await flush();
    expect(host.callsTo('sandbox.setEnabled')).toEqual([{ enabled: true }]);
    expect(container.querySelector('fieldset')?.disabled).toBe(false);
  });
});
