// @vitest-environment happy-dom
// The base-image line and the kept-images card against a fake host.
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeBaseView } from '../../../../electron/contract/host-api.js';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { fakeHostApi, type FakeHostApi } from '../../testing/fake-host-api.js';
import { BaseImageSummary, GatewayImagesCard } from './gateway-image.js';

afterEach(() => cleanup());

const withHost = (host: FakeHostApi, ui: ReactNode) =>
  render(<HostProvider connection={host}>{ui}</HostProvider>);

const local: NodeBaseView = {
  source: 'local',
  image: 'openclaw-base/node:22-bookworm-slim',
  present: true,
  summary: 'openclaw-base/node:22-bookworm-slim (made on this computer; no registry needed)',
  makeLocal: { possible: true, detail: 'Runs make-base-images.sh' },
};
const none: NodeBaseView = {
  source: 'none',
  image: 'node:22-bookworm-slim',
  present: false,
  summary: 'No Node 22 base image on this engine: the build will try to download it.',
  nextStep: 'Without access to Docker Hub the build fails at its first step.',
  makeLocal: { possible: false, detail: 'Local base images need Linux. Use docker load -i.' },
};

describe('BaseImageSummary', () => {
  it('names the base the build will use', async () => {
    const host = fakeHostApi({ 'images.base': () => local });
    const { container } = withHost(host, <BaseImageSummary />);
    await flush();
    expect(container.textContent).toContain('made locally');
    expect(container.textContent).toContain('openclaw-base/node:22-bookworm-slim');
    expect(container.textContent).not.toContain('No base image on this Docker engine');
  });

  it('without a base, says what happens and how to get one where it cannot be made here', async () => {
    const host = fakeHostApi({ 'images.base': () => none });
    const { container } = withHost(host, <BaseImageSummary />);
    await flush();
    expect(container.textContent).toContain('No base image on this Docker engine');
    expect(container.textContent).toContain('fails at its first step');
    expect(container.textContent).toContain('docker load -i');
    expect(container.querySelector('button')).toBeNull();
  });

  it('offers to make local bases where possible, streams progress and shows the new base', async () => {
    let finish: (v: NodeBaseView) => void = () => {};
    const host = fakeHostApi({
      'images.base': () => ({ ...none, makeLocal: { possible: true, detail: 'Runs the script' } }),
      'images.makeBase': () => new Promise<NodeBaseView>((resolve) => (finish = resolve)),
    });
    const { container } = withHost(host, <BaseImageSummary />);
    await flush();
    click(getButton(container, /Make local base images/));
    await flush();
    host.emit('operation.progress', {
      operationId: 'op',
      kind: 'make-base',
      log: '[base-images] debootstrap --variant=minbase bookworm',
    });
    await flush();
    expect(container.textContent).toContain('debootstrap --variant=minbase');
    finish(local);
    await flush();
    expect(container.textContent).toContain('made locally');
    expect(host.callsTo('images.makeBase')).toHaveLength(1);
  });
});

describe('GatewayImagesCard', () => {
  it('shows the kept images and the disk they use, and removes older builds on request', async () => {
    const MB = 1024 * 1024;
    const host = fakeHostApi({
      'images.usage': () => ({
        imageTag: 'openclaw:local',
        totalBytes: 231 * MB,
        images: [
          {
            id: 'sha256:a',
            tags: ['openclaw:local'],
            role: 'current',
            created: Date.now(),
            sizeBytes: 214 * MB,
            uniqueBytes: 15 * MB,
          },
          {
            id: 'sha256:b',
            tags: ['openclaw:previous'],
            role: 'previous',
            created: Date.now(),
            sizeBytes: 213 * MB,
            uniqueBytes: 14 * MB,
          },
          {
            id: 'sha256:c0ffee000000',
            tags: [],
            role: 'old',
            created: Date.now(),
            sizeBytes: 212 * MB,
            uniqueBytes: 2 * MB,
          },
        ],
      }),
      'images.prune': () => ({ removed: 1, freedBytes: 2 * MB, skipped: 0 }),
    });
    const { container } = withHost(host, <GatewayImagesCard />);
    await flush();
    expect(container.textContent).toContain('231 MB');
    expect(container.textContent).toContain('previous (rollback)');
    expect(container.textContent).toContain('c0ffee000000');
    click(getButton(container, /Remove older images/));
    await flush();
    expect(container.textContent).toContain('Removed 1 older image, freed 2.0 MB.');
    expect(host.callsTo('images.usage')).toHaveLength(2);
  });
});
