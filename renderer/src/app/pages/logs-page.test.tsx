// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../electron/contract/host-api.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, flush, render } from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { createAppStore } from '../store/app-store.js';
import { LogsPage } from './logs-page.js';

afterEach(() => cleanup());

describe('LogsPage', () => {
  it('formats JSON lines like the Control UI and shows where a container was recreated', async () => {
    const lines: LogLine[] = [
      {
        source: 'openclaw-gateway',
        stream: 'stderr',
        ts: '2026-03-14T09:12:00.000000000Z',
        text: '{"ts":"2026-03-14T09:12:00.000Z","level":"warn","msg":"pairing required","subsystem":"pairing","requestId":"7c1e9b2a"}',
      },
      {
        source: 'openclaw-gateway',
        stream: 'marker',
        marker: true,
        ts: '2026-03-14T09:13:00.000Z',
        text: 'Container recreated at 2026-03-14 09:13:00 UTC: the lines above come from the previous container.',
      },
      { source: 'openclaw-gateway', stream: 'stdout', ts: '2026-03-14T09:13:01Z', text: 'plain' },
    ];
    const host = fakeHostApi({ 'logs.tail': () => lines });
    const { container } = render(
      <HostProvider connection={host}>
        <AppStoreProvider store={createAppStore(host)}>
          <LogsPage />
        </AppStoreProvider>
      </HostProvider>,
    );
    await flush();
    const rows = [...container.querySelectorAll('.log-line')];
    expect(rows).toHaveLength(3);
    const first = rows[0]!;
    expect(first.textContent).not.toContain('{"ts"');
    expect(first.querySelector('.ui-log__level')?.textContent).toBe('warn');
    expect(first.querySelector('.ui-log__subsystem')?.textContent).toBe('pairing');
    expect(first.querySelector('.ui-log__msg')?.textContent).toBe('pairing required');
    expect(first.querySelector('.ui-log__field')?.textContent).toBe(' requestId=7c1e9b2a');
    expect(first.className).toContain('log-line--warn');
    expect(rows[1]!.className).toContain('log-line--marker');
    expect(rows[1]!.textContent).toContain('Container recreated at 2026-03-14 09:13:00 UTC');
  });
});
