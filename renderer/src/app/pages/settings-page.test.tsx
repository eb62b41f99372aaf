// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { StackChange, StackSettings } from '../../../../electron/contract/host-api.js';
import { HostProvider } from '../../host/host-context.js';
import { HostError } from '../../host/host-error.js';
import { routerStore } from '../../shell/router.js';
import {
  cleanup,
  click,
  flush,
  getButton,
  getByLabel,
  render,
  typeInto,
} from '../../testing/dom.js';
import { fakeHostApi, statusOf, type FakeHostApi } from '../../testing/fake-host-api.js';
import { useToastStore } from '../../ui/toast.js';
import { describeChange } from '../settings/pending-change.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { bindHostEvents, createAppStore } from '../store/app-store.js';
import { SettingsPage } from './settings-page.js';
import { SetupPage } from './setup-page.js';

afterEach(() => {
  cleanup();
  useToastStore.setState({ toasts: [] });
});

const applied: StackSettings = {
  configDir: '/home/me/.openclaw',
  workspaceDir: '/home/me/.openclaw/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [],
  aptPackages: ['jq'],
  homeVolume: { kind: 'volume', name: 'openclaw-home' },
};
const withRipgrep: StackSettings = { ...applied, aptPackages: ['jq', 'ripgrep'] };
const buildError = {
  code: 'IMAGE_BUILD_FAILED',
  message: 'The image build failed at step 5/9: apt-get could not find the package "ripgrep".',
};

/** A host that behaves like the real one: settings move only when an apply succeeds. */
function settingsHost(options: { change?: StackChange; failApply?: boolean } = {}) {
  const state = {
    settings: applied,
    change: options.change ?? ({ state: 'applied' } as StackChange),
  };
  const host = fakeHostApi({
    'status.get': () => statusOf(),
    'settings.get': () => ({
      settings: {
        startAtLogin: false,
        startInBackground: false,
        closeToTray: true,
        stopGatewayOnQuit: false,
        checkForUpdates: true,
      },
      secretStorage: { kind: 'os-keychain' as const },
    }),
    'stack.getSettings': () => ({ settings: state.settings, setUp: true }),
    'stack.change': () => state.change,
    'stack.plan': () => ({ action: 'rebuild' as const, reasons: ['apt packages changed'] }),
    'stack.apply': (next) => {
      if (options.failApply) {
        state.change = {
          state: 'failed',
          kind: 'apply',
          desired: next,
          error: buildError,
          failedAt: 1,
        };
        throw new HostError(buildError.code, buildError.message);
      }
      state.settings = next;
      return { action: 'rebuild' as const, reasons: [] };
    },
    'stack.retry': () => {
      if (state.change.state === 'failed') state.settings = state.change.desired;
      state.change = { state: 'applied' };
      return { action: 'rebuild' as const, reasons: [] };
    },
    'stack.discard': () => (state.change = { state: 'applied' }),
    'stack.resetHome': () => ({ removed: true, restarted: true }),
  });
  return { host, state };
}

function renderSettings(host: FakeHostApi) {
  const store = createAppStore(host);
  bindHostEvents(store, host);
  return render(
    <HostProvider connection={host}>
      <AppStoreProvider store={store}>
        <SettingsPage />
      </AppStoreProvider>
    </HostProvider>,
  );
}

const chips = (container: HTMLElement) =>
  [...container.querySelectorAll('.ui-chip')].map((c) => ({
    text: c.querySelector('.ui-chip__text')?.textContent,
    pending: c.classList.contains('ui-chip--pending'),
  }));

const failed: StackChange = {
  state: 'failed',
  kind: 'apply',
  desired: withRipgrep,
  error: buildError,
  failedAt: 1,
};

describe('SettingsPage: a change that was not applied', () => {
  it('shows it as not applied with the error, and Discard keeps what runs', async () => {
    const { host } = settingsHost({ change: failed });
    const { container } = renderSettings(host);
    await flush();
    const banner = container.querySelector('.pending-change');
    expect(banner?.textContent).toContain('These changes are not applied');
    expect(banner?.textContent).toContain(buildError.message);
    expect(banner?.textContent).toContain('Add packages: ripgrep');
    expect(chips(container)).toEqual([
      { text: 'jq', pending: false },
      { text: 'ripgrep', pending: true },
    ]);
    expect(container.querySelector('.ui-chip--pending')?.textContent).toContain('not applied');

    click(getButton(container, 'Discard'));
    await flush();
    expect(host.callsTo('stack.discard')).toHaveLength(1);
    expect(container.querySelector('.pending-change')).toBeNull();
    expect(chips(container)).toEqual([{ text: 'jq', pending: false }]);
  });

  it('Retry applies the pending change through stack.retry', async () => {
    const { host } = settingsHost({ change: failed });
    const { container } = renderSettings(host);
    await flush();
    click(getButton(container, 'Retry'));
    await flush();
    expect(document.body.textContent).toContain('Retry the changes');
    click(getButton(document.body, 'Rebuild and restart'));
    await flush();
    await flush();
    expect(host.callsTo('stack.retry')).toHaveLength(1);
    expect(host.callsTo('stack.apply')).toHaveLength(0);
    expect(container.querySelector('.pending-change')).toBeNull();
    expect(chips(container)).toEqual([
      { text: 'jq', pending: false },
      { text: 'ripgrep', pending: false },
    ]);
  });

  it('after a failed apply, the page shows the change as not applied (never as current)', async () => {
    const { host } = settingsHost({ failApply: true });
    const { container } = renderSettings(host);
    await flush();
    expect(container.querySelector('.pending-change')).toBeNull();
    typeInto(getByLabel(container, 'Debian packages') as HTMLInputElement, 'ripgrep');
    const input = getByLabel(container, 'Debian packages');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flush();
    // Not applied yet, and marked so while editing too.
    expect(chips(container)).toContainEqual({ text: 'ripgrep', pending: true });
    click(getButton(container, 'Review changes'));
    await flush();
    click(getButton(document.body, 'Rebuild and restart'));
    await flush();
    await flush();
    expect(document.body.textContent).toContain('The changes were not applied');
    click(getButton(document.body, 'Close'));
    await flush();
    const banner = container.querySelector('.pending-change');
    expect(banner?.textContent).toContain(buildError.message);
    expect(chips(container)).toContainEqual({ text: 'ripgrep', pending: true });
    expect(container.querySelector('.settings-section-title .ui-badge')?.textContent).toBe(
      'not applied',
    );
    // The banner says it once; the field is not blamed for a build that failed.
    expect(container.textContent).not.toContain('The app refused a package');
  });

  it('refused input goes next to its field and is not shown as a pending change', async () => {
    const { host } = settingsHost();
    host.handlers['stack.apply'] = () => {
      throw new HostError(
        'INVALID_ARGUMENT',
        'Settings not saved:\naptPackages[1]: "Bad_Name" is not a Debian package name',
      );
    };
    const { container } = renderSettings(host);
    await flush();
    const input = getByLabel(container, 'Debian packages') as HTMLInputElement;
    typeInto(input, 'ripgrep');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flush();
    click(getButton(container, 'Review changes'));
    await flush();
    click(getButton(document.body, 'Rebuild and restart'));
    await flush();
    await flush();
    click(getButton(document.body, 'Close'));
    await flush();
    expect(container.textContent).toContain('The app refused a package');
    expect(container.querySelector('.pending-change')).toBeNull();
  });

  it('works with a host that cannot report pending changes', async () => {
    const { host } = settingsHost();
    delete host.handlers['stack.change'];
    const { container } = renderSettings(host);
    await flush();
    expect(chips(container)).toEqual([{ text: 'jq', pending: false }]);
    expect(container.querySelector('.pending-change')).toBeNull();
  });
});

describe('SettingsPage: what the wizard said can be changed later', () => {
  it('edits the config and workspace folders', async () => {
    const { host } = settingsHost();
    const { container } = renderSettings(host);
    await flush();
    const config = getByLabel(container, 'Config folder') as HTMLInputElement;
    expect(config.value).toBe('/home/me/.openclaw');
    typeInto(config, '/srv/openclaw');
    await flush();
    expect(container.querySelector('.settings-bar--visible')).not.toBeNull();
    click(getButton(container, 'Review changes'));
    await flush();
    expect(host.callsTo('stack.plan')).toEqual([{ ...applied, configDir: '/srv/openclaw' }]);
  });

  it('resets the home volume only after its name is typed, and says what it deletes', async () => {
    const { host } = settingsHost();
    const { container } = renderSettings(host);
    await flush();
    click(getButton(container, 'Reset home volume…'));
    await flush();
    const dialog = document.body.querySelector('dialog[open]') ?? document.body;
    expect(dialog.textContent).toContain('/home/node');
    expect(dialog.textContent).toContain('openclaw-home');
    expect(dialog.textContent).toContain('they stay');
    const confirm = getButton(document.body, 'Reset home volume');
    expect(confirm.disabled).toBe(true);
    typeInto(
      getByLabel(document.body, 'Type openclaw-home to confirm') as HTMLInputElement,
      'openclaw-hom',
    );
    expect(getButton(document.body, 'Reset home volume').disabled).toBe(true);
    click(getButton(document.body, 'Reset home volume'));
    await flush();
    expect(host.callsTo('stack.resetHome')).toHaveLength(0);
    typeInto(
      getByLabel(document.body, 'Type openclaw-home to confirm') as HTMLInputElement,
      'openclaw-home',
    );
    click(getButton(document.body, 'Reset home volume'));
    await flush();
    await flush();
    expect(host.callsTo('stack.resetHome')).toEqual([{ volume: 'openclaw-home' }]);
    expect(document.body.textContent).toContain('The home volume is empty again');
  });

  it('offers no reset when the home is a folder or off', async () => {
    const { host, state } = settingsHost();
    state.settings = { ...applied, homeVolume: null };
    const { container } = renderSettings(host);
    await flush();
    expect(() => getButton(container, 'Reset home volume…')).toThrow();
  });

  it('Re-run setup opens the wizard prefilled with the settings in use', async () => {
    const { host } = settingsHost({ change: failed });
    host.handlers['diagnostics.run'] = () => [
      { id: 'engine', title: 'Docker engine', status: 'ok', detail: 'Docker 27 is running.' },
    ];
    const store = createAppStore(host);
    const { container } = render(
      <HostProvider connection={host}>
        <AppStoreProvider store={store}>
          <SettingsPage />
        </AppStoreProvider>
      </HostProvider>,
    );
    await flush();
    click(getButton(container, 'Re-run setup'));
    expect(routerStore.getState().path).toBe('/setup');
    cleanup();
    // The wizard (same store, as in the app) starts from what runs, not from the failed apply.
    const packages = await wizardPackages(host, store);
    expect(packages).toEqual(['jq']);
  });

  it('a setup that failed is offered again with the values chosen then', async () => {
    const { host } = settingsHost({ change: { ...failed, kind: 'setup' } });
    host.handlers['diagnostics.run'] = () => [
      { id: 'engine', title: 'Docker engine', status: 'ok', detail: 'Docker 27 is running.' },
    ];
    expect(await wizardPackages(host, createAppStore(host))).toEqual(['jq', 'ripgrep']);
  });
});

/** Open the wizard, pass the checks and read the packages step's chips. */
async function wizardPackages(
  host: FakeHostApi,
  store: ReturnType<typeof createAppStore>,
): Promise<Array<string | null | undefined>> {
  const { container } = render(
    <HostProvider connection={host}>
      <AppStoreProvider store={store}>
        <SetupPage />
      </AppStoreProvider>
    </HostProvider>,
  );
  await flush();
  await flush();
  click(getButton(container, 'Continue'));
  expect((getByLabel(container, 'Config folder') as HTMLInputElement).value).toBe(
    applied.configDir,
  );
  // Each Next asks the host to check the step first.
  click(getButton(container, 'Next'));
  await flush();
  click(getButton(container, 'Next'));
  await flush();
  expect(container.textContent).toContain('Extra tools (optional)');
  return chips(container).map((c) => c.text);
}

describe('describeChange', () => {
  it('lists every difference in plain words', () => {
    expect(
      describeChange(applied, {
        ...withRipgrep,
        aptPackages: ['ripgrep'],
        gatewayPort: 18790,
        homeVolume: null,
        extraMounts: [{ source: '/data', target: '/home/node/data', readOnly: true }],
      }),
    ).toEqual([
      'Add packages: ripgrep',
      'Remove packages: jq',
      'Add folder: /data → /home/node/data (read-only)',
      'Home volume: volume openclaw-home → off',
      'Port: 18789 → 18790',
    ]);
  });
});
