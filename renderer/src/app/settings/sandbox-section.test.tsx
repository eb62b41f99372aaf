// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxSettingsView } from '../../../../electron/contract/sandbox-schemas.js';
import { HostError } from '../../host/host-error.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { deferred, fakeHostApi } from '../../testing/fake-host-api.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { bindHostEvents, createAppStore } from '../store/app-store.js';
import { SandboxSection } from './sandbox-section.js';

afterEach(() => cleanup());

const HASH = 'c'.repeat(64);
const STANDARD = {
  default: 'openclaw-sandbox:bookworm-slim',
  common: 'openclaw-sandbox-common:bookworm-slim',
};
const ON: SandboxSettingsView = {
  enabled: true,
  mode: 'non-main',
  scope: 'agent',
  workspaceAccess: 'none',
  image: STANDARD.default,
  imageKind: 'default',
  standardImages: STANDARD,
  baseHash: HASH,
};
const OFF: SandboxSettingsView = { ...ON, enabled: false, mode: 'off', baseHash: null };

function mount(handlers: Parameters<typeof fakeHostApi>[0]) {
  const host = fakeHostApi(handlers);
  const store = createAppStore(host);
  bindHostEvents(store, host);
  const view = render(
    <HostProvider connection={host}>
      <AppStoreProvider store={store}>
        <SandboxSection />
      </AppStoreProvider>
    </HostProvider>,
  );
  return { host, ...view };
}

function choose(root: ParentNode, value: string) {
  click(root.querySelector<HTMLInputElement>(`input[type="radio"][value="${value}"]`));
}

const dialog = () => document.querySelector<HTMLElement>('dialog[open]')!;

describe('SandboxSection', () => {
  it('saves a policy change with the hash it read, warning about a shared container', async () => {
    const { host, container } = mount({
      'sandbox.settings': () => ON,
      'sandbox.savePolicy': ({ policy }) => ({ ...ON, ...policy, baseHash: 'd'.repeat(64) }),
    });
    await flush();
    expect(container.textContent).not.toContain('Save');
    choose(container, 'shared');
    expect(container.textContent).toContain('Sessions are not isolated from each other');
    choose(container, 'rw');
    click(getButton(container, 'Save'));
    await flush();
    expect(host.callsTo('sandbox.savePolicy')).toEqual([
      { policy: { mode: 'non-main', scope: 'shared', workspaceAccess: 'rw' }, baseHash: HASH },
    ]);
    expect(host.callsTo('sandbox.apply')).toEqual([]);
    expect(container.textContent).not.toContain('Save');
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

  it('turns the sandbox on after confirming, with the chosen policy and image, showing the build', async () => {
    const call = deferred<SandboxSettingsView>();
    const { host, container } = mount({
      'sandbox.settings': () => OFF,
      'sandbox.apply': () => call.promise,
    });
    await flush();
    // Off: only the mode is asked.
    expect(container.textContent).not.toContain('Agent workspace access');
    choose(container, 'all');
    choose(container, 'session');
    choose(container, 'ro');
    choose(container, 'common');
    click(getButton(container, 'Build and turn on'));
    await flush();
    expect(host.callsTo('sandbox.apply')).toEqual([]);
    expect(dialog().textContent).toContain(STANDARD.common);
    click(getButton(dialog(), 'Build and turn on'));
    await flush();
    expect(host.callsTo('sandbox.apply')).toEqual([
      {
        enabled: true,
        policy: { mode: 'all', scope: 'session', workspaceAccess: 'ro' },
        image: { kind: 'common' },
      },
    ]);
    host.emit('operation.progress', {
      operationId: 'op1',
      kind: 'sandbox',
      phase: 'sandbox-image',
      message: `Building the sandbox image ${STANDARD.common}`,
    });
    host.emit('operation.progress', {
      operationId: 'op1',
      kind: 'sandbox',
      step: { index: 3, total: 5, label: 'Installing build-essential, golang-go' },
      message: 'Installing build-essential, golang-go',
    });
    await flush();
    expect(container.textContent).toContain('Build the sandbox image');
    expect(container.textContent).toContain('Step 3 of 5');
    expect(container.querySelector('fieldset')?.disabled).toBe(true);
    call.resolve({
      ...ON,
      mode: 'all',
      scope: 'session',
      workspaceAccess: 'ro',
      image: STANDARD.common,
      imageKind: 'common',
    });
    await flush();
    expect(container.querySelector('fieldset')?.disabled).toBe(false);
    expect(container.textContent).not.toContain('Build and turn on');
  });

  it('names the sandbox and the failing step when the build fails, and keeps it off', async () => {
    const { container } = mount({
      'sandbox.settings': () => OFF,
      'sandbox.apply': () => {
        throw new HostError(
          'IMAGE_BUILD_FAILED',
          'The agent sandbox was not turned on. Nothing was changed.\nBuilding openclaw-sandbox:bookworm-slim failed at step 3/6 (RUN apt-get install …).',
        );
      },
    });
    await flush();
    choose(container, 'non-main');
    click(getButton(container, 'Build and turn on'));
    click(getButton(dialog(), 'Build and turn on'));
    await flush();
    expect(container.textContent).toContain('The sandbox is still off');
    expect(container.textContent).toContain('The agent sandbox was not turned on');
    expect(container.textContent).toContain('failed at step 3/6');
    expect(container.textContent).toContain('failing step of the sandbox image');
  });

  it('refuses a custom tag that is not an image reference before calling the host', async () => {
    const { host, container } = mount({ 'sandbox.settings': () => OFF });
    await flush();
    choose(container, 'non-main');
    choose(container, 'custom');
    click(getButton(container, 'Build and turn on'));
    click(getButton(dialog(), 'Build and turn on'));
    await flush();
    expect(container.textContent).toContain('Enter the image’s tag');
    expect(host.callsTo('sandbox.apply')).toEqual([]);
  });

  it('turns it off through the same switch', async () => {
    const { host, container } = mount({
      'sandbox.settings': () => ON,
      'sandbox.apply': () => OFF,
    });
    await flush();
    choose(container, 'off');
    click(getButton(container, 'Turn off'));
    click(getButton(dialog(), 'Turn off'));
    await flush();
    expect(host.callsTo('sandbox.apply')).toEqual([{ enabled: false }]);
  });
});
