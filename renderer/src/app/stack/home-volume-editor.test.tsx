// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { StackSettings } from '../../../../electron/contract/host-api.js';
import { cleanup, render } from '../../testing/dom.js';
import { HomeVolumeEditor } from './home-volume-editor.js';
import { homeVolumeText } from './review-summary.js';
import { createDraftStore } from './stack-draft.js';

afterEach(() => cleanup());

const stack: StackSettings = {
  configDir: '/home/me/.openclaw',
  workspaceDir: '/home/me/.openclaw/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [],
  aptPackages: [],
  homeVolume: { kind: 'volume', name: 'uxtest-home' },
};

describe('home volume naming', () => {
  it('says what Docker calls the volume (compose prefixes the project name)', () => {
    const { container } = render(<HomeVolumeEditor store={createDraftStore(stack)} />);
    expect(container.textContent).toContain('Docker names it openclaw_uxtest-home');
    expect(homeVolumeText(stack.homeVolume)).toContain('openclaw_uxtest-home');
  });
});
