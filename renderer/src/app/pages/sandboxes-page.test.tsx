// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  SandboxContainerView,
  SandboxList,
} from '../../../../electron/contract/sandbox-schemas.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import { useToastStore } from '../../ui/toast.js';
import { SandboxesPage } from './sandboxes-page.js';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  useToastStore.setState({ toasts: [] });
});

const HOUR = 3_600_000;

function container(overrides: Partial<SandboxContainerView>): SandboxContainerView {
  return {
    name: 'openclaw-sbx-agent-main-1',
    scopeKey: 'agent:main',
    agentId: 'main',
    state: 'running',
    image: 'openclaw-sandbox:bookworm-slim',
    configuredImage: 'openclaw-sandbox:bookworm-slim',
    imageMatches: true,
    recreatePending: false,
    createdAtMs: 0,
    lastUsedAtMs: 0,
    usedFrom: 'registry',
    idleMs: 5 * 60_000,
    browser: false,
    ...overrides,
  };
}

function openDialog(): HTMLElement {
  const dialog = document.querySelector<HTMLElement>('dialog[open]');
  if (!dialog) throw new Error('no open dialog');
  return dialog;
}

function mount(handlers: Parameters<typeof fakeHostApi>[0]) {
  const host = fakeHostApi(handlers);
  const view = render(
    <HostProvider connection={host}>
      <SandboxesPage />
    </HostProvider>,
  );
  return { host, ...view };
}

describe('SandboxesPage', () => {
  it('shows each container with state, owner, idle time and image match', async () => {
    let list: SandboxList = {
      engine: 'ready',
      containers: [
        container({}),
        container({
          name: 'openclaw-sbx-s-2',
          scopeKey: 'agent:research:telegram:dm:7',
          agentId: 'research',
          state: 'exited',
          image: 'old:1',
          imageMatches: false,
          recreatePending: true,
          idleMs: 50 * HOUR,
        }),
      ],
    };
    const { host, container: root } = mount({
      'sandboxes.list': () => list,
      'sandboxes.remove': ({ name }) => {
        list = { ...list, containers: list.containers.filter((c) => c.name !== name) };
        return { ok: true };
      },
    });
    await flush();
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('Agent main');
    expect(rows[0]!.textContent).toContain('running');
    expect(rows[0]!.textContent).toContain('5m 0s');
    expect(rows[0]!.textContent).toContain('matches config');
    expect(rows[1]!.textContent).toContain('Agent research, one session');
    expect(rows[1]!.textContent).toContain('differs from config');
    expect(rows[1]!.textContent).toContain('recreate pending');
    expect(rows[1]!.textContent).toContain('2d 2h');

    click(getButton(rows[1]!, /Recreate/));
    await flush();
    expect(openDialog().textContent).toContain('created afresh');
    click(getButton(openDialog(), 'Recreate'));
    await flush();
    await flush();
    expect(host.callsTo('sandboxes.remove')).toEqual([{ name: 'openclaw-sbx-s-2' }]);
    expect(root.querySelectorAll('tbody tr')).toHaveLength(1);
  });

  it('prunes with the chosen idle limit only after confirming', async () => {
    const { host, container: root } = mount({
      'sandboxes.list': () => ({ engine: 'ready', containers: [container({})] }),
      'sandboxes.prune': () => ({ removed: [], failed: [] }),
    });
    await flush();
    const select = root.querySelector('select')!;
    select.value = '72';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    click(getButton(root, /Prune idle/));
    await flush();
    expect(host.callsTo('sandboxes.prune')).toEqual([]);
    click(getButton(openDialog(), 'Prune'));
    await flush();
    expect(host.callsTo('sandboxes.prune')).toEqual([{ idleHours: 72 }]);
  });

  it('opens the logs of one container in a dialog', async () => {
    const { host, container: root } = mount({
      'sandboxes.list': () => ({ engine: 'ready', containers: [container({})] }),
      'sandboxes.logs': () => [
        { stream: 'stdout', timestamp: '2026-12-04T10:11:12.000Z', text: 'hello' },
        { stream: 'stderr', text: 'bad thing' },
      ],
    });
    await flush();
    click(getButton(root, /Logs/));
    await flush();
    expect(host.callsTo('sandboxes.logs')).toEqual([
      { name: 'openclaw-sbx-agent-main-1', tail: 300 },
    ]);
    const log = document.body.querySelector('.sandboxes__log')!;
    expect(log.textContent).toContain('10:11:12  hello');
    expect(log.querySelector('.sandboxes__log-err')?.textContent).toContain('bad thing');
  });

  it('explains how to turn sandboxing on when there are none', async () => {
    const { container: root } = mount({
      'sandboxes.list': () => ({ engine: 'ready', containers: [] }),
    });
    await flush();
    expect(root.textContent).toContain('No sandbox containers');
    expect(root.textContent).toContain('OPENCLAW_SANDBOX=1 ./docker-setup.sh');
    expect(getButton(root, /Open Settings/)).toBeTruthy();
    expect(root.querySelector('select')).toBeNull();
  });

  it('says when there is no Docker engine', async () => {
    const { container: root } = mount({
      'sandboxes.list': () => ({
        engine: 'unavailable',
        detail: 'Cannot connect to the Docker engine.',
        containers: [],
      }),
    });
    await flush();
    expect(root.textContent).toContain('No Docker engine');
    expect(root.textContent).toContain('Cannot connect to the Docker engine.');
    expect(root.querySelector('table')).toBeNull();
  });

  it('marks browser sandboxes and offers the live view only where it can work', async () => {
    const { container: root } = mount({
      'sandboxes.list': () => ({
        engine: 'ready',
        containers: [
          container({}),
          container({
            name: 'openclaw-sbx-browser-agent-main',
            browser: true,
            image: 'openclaw-sandbox-browser:bookworm-slim',
            configuredImage: 'openclaw-sandbox-browser:bookworm-slim',
          }),
          container({
            name: 'openclaw-sbx-browser-agent-headless',
            browser: true,
            liveViewUnavailable: 'its browser runs headless',
          }),
          container({
            name: 'openclaw-sbx-browser-agent-stopped',
            browser: true,
            state: 'exited',
            liveViewUnavailable: 'it is not running',
          }),
        ],
      }),
    });
    await flush();
    const rows = [...root.querySelectorAll('tbody tr')];
    const byName = (n: string) => rows.find((r) => r.textContent?.includes(n))!;
    const tools = rows.find((r) => r.textContent?.includes('openclaw-sbx-agent-main-1'))!;
    expect(tools.textContent).not.toContain('Browser');
    expect(tools.textContent).not.toContain('live view');
    const live = byName('openclaw-sbx-browser-agent-main');
    expect(live.textContent).toContain('Browser');
    expect(live.textContent).toContain('matches config');
    expect(getButton(live, /Open live view/).disabled).toBe(false);
    for (const [name, why] of [
      ['openclaw-sbx-browser-agent-headless', 'headless'],
      ['openclaw-sbx-browser-agent-stopped', 'not running'],
    ] as const) {
      const row = byName(name);
      const button = getButton(row, /Open live view/);
      expect(button.disabled).toBe(true);
      expect(button.closest('[title]')?.getAttribute('title')).toContain(why);
    }
  });

  it('opens the link itself when the host did not, and shows what to do on failure', async () => {
    const opened = vi.spyOn(window, 'open').mockReturnValue(null);
    let answer: () => { url: string; opened: boolean } = () => ({
      url: 'http://127.0.0.1:4321/vnc.html?x=1',
      opened: false,
    });
    const browserRow = container({ name: 'openclaw-sbx-browser-agent-main', browser: true });
    const { host, container: root } = mount({
      'sandboxes.list': () => ({ engine: 'ready', containers: [browserRow] }),
      'sandboxes.liveView': () => answer(),
    });
    await flush();
    click(getButton(root, /Open live view/));
    await flush();
    expect(host.callsTo('sandboxes.liveView')).toEqual([
      { name: 'openclaw-sbx-browser-agent-main' },
    ]);
    expect(opened).toHaveBeenCalledWith(
      'http://127.0.0.1:4321/vnc.html?x=1',
      '_blank',
      'noopener,noreferrer',
    );

    answer = () => ({ url: 'http://127.0.0.1:4321/vnc.html?x=2', opened: true });
    click(getButton(root, /Open live view/));
    await flush();
    expect(opened).toHaveBeenCalledTimes(1);

    const message =
      'openclaw-sbx-browser-agent-main runs an older browser image without openclaw-novnc-link. Rebuild the browser image with scripts/sandbox-browser-setup.sh, then recreate this sandbox.';
    answer = () => {
      throw Object.assign(new Error(message), { code: 'REQUEST_FAILED' });
    };
    click(getButton(root, /Open live view/));
    await flush();
    expect(opened).toHaveBeenCalledTimes(1);
    const toasts = useToastStore.getState().toasts;
    expect(toasts.at(-1)).toMatchObject({ tone: 'danger', title: message });
  });

  it('shows why each idle sandbox a prune could not remove stayed', async () => {
    const { container: root } = mount({
      'sandboxes.list': () => ({ engine: 'ready', containers: [container({})] }),
      'sandboxes.prune': () => ({
        removed: ['openclaw-sbx-a'],
        failed: [
          {
            name: 'openclaw-sbx-b',
            reason: 'removal of container openclaw-sbx-b is already in progress',
          },
          { name: 'openclaw-sbx-c', reason: 'device or resource busy' },
        ],
      }),
    });
    await flush();
    click(getButton(root, /Prune idle/));
    await flush();
    click(getButton(openDialog(), 'Prune'));
    await flush();
    expect(useToastStore.getState().toasts.at(-1)?.title).toBe(
      'Removed 1 idle sandbox. 2 sandboxes could not be removed.',
    );
    const note = root.querySelector('.sandboxes__failures')!;
    const items = [...note.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toEqual([
      'openclaw-sbx-b: removal of container openclaw-sbx-b is already in progress',
      'openclaw-sbx-c: device or resource busy',
    ]);
    click(getButton(root, /Dismiss/));
    await flush();
    expect(root.querySelector('.sandboxes__failures')).toBeNull();
  });
});
