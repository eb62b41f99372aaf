// @vitest-environment happy-dom
// A failed setup sends the user to the wizard step the error is about — by the error's code when
// it has one: an unreachable mirror or a missing base image is not a Packages problem, although
// the failing build step's text is full of "apt" and "packages".
import { afterEach, describe, expect, it } from 'vitest';
import { HostProvider } from '../../host/host-context.js';
import { cleanup, flush, getButton, render } from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import type { OperationView } from '../store/operation-slice.js';
import { RunStep } from './run-step.js';

afterEach(() => cleanup());

const STEP =
  'Building openclaw:local failed at step 5/17 (RUN set -eu; … apt-get update; apt-get install -y -- $OPENCLAW_DOCKER_APT_PACKAGES).';

function failed(errorCode: string, error: string): OperationView {
  return {
    operationId: 'op',
    kind: 'setup',
    phases: [],
    message: undefined,
    step: undefined,
    log: [],
    done: true,
    error,
    errorCode,
    cancelRequested: false,
    startedAt: 0,
    buildSteps: [],
    endedAt: 1,
  };
}

function renderRun(operation: OperationView) {
  const host = fakeHostApi({
    'images.base': () => ({
      source: 'none' as const,
      image: 'node:22-bookworm-slim',
      present: false,
      summary: 'No Node 22 base image on this engine.',
      nextStep: 'Without access to Docker Hub the build fails at its first step.',
      makeLocal: { possible: true, detail: 'Runs make-base-images.sh' },
    }),
  });
  const noop = () => {};
  return render(
    <HostProvider connection={host}>
      <RunStep
        operation={operation}
        title="Installing"
        onCancel={noop}
        onRetry={noop}
        onBack={noop}
      />
    </HostProvider>,
  );
}

describe('RunStep after a failed build', () => {
  it('an unreachable apt mirror does not send the user to Packages', () => {
    const { container } = renderRun(
      failed(
        'APT_MIRROR_UNREACHABLE',
        `${STEP} The extra apt packages could not be installed: the build could not reach the Debian package mirror. The package names were not checked.`,
      ),
    );
    expect(getButton(container, 'Back to review')).toBeTruthy();
    expect(container.textContent).not.toContain('Back to Packages');
    expect(container.textContent).toContain('internet connection');
  });

  it('an unknown package does', () => {
    const { container } = renderRun(
      failed('APT_PACKAGE_NOT_FOUND', `${STEP} Debian has no package named “jqq”.`),
    );
    expect(getButton(container, 'Back to Packages')).toBeTruthy();
  });

  it('a missing base image shows the base-image card with the way to make one', async () => {
    const { container } = renderRun(
      failed(
        'BASE_IMAGE_UNAVAILABLE',
        'Building openclaw:local failed at step 2/17 (FROM ${NODE_IMAGE}). The base image node:22-bookworm-slim is not on this Docker engine.',
      ),
    );
    await flush();
    expect(container.textContent).not.toContain('Back to Packages');
    expect(container.textContent).toContain('No base image on this Docker engine');
    expect(getButton(container, /Make local base images/)).toBeTruthy();
  });
});
