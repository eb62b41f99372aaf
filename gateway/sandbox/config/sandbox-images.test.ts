import { describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { sandboxImagesFromConfig } from './sandbox-images.js';

describe('sandboxImagesFromConfig', () => {
  it('is the default image plus the defaults’ and every agent’s image, once each', () => {
    const config = {
      agents: {
        defaults: { sandbox: { docker: { image: 'openclaw-sandbox-common:bookworm-slim' } } },
        list: [
          { id: 'a', sandbox: { docker: { image: ' my/img:1 ' } } },
          { id: 'b', sandbox: { docker: { image: 'openclaw-sandbox-common:bookworm-slim' } } },
          { id: 'c' },
        ],
      },
    } as OpenClawConfig;
    expect(sandboxImagesFromConfig(config)).toEqual([
      'openclaw-sandbox:bookworm-slim',
      'openclaw-sandbox-common:bookworm-slim',
      'my/img:1',
    ]);
    expect(sandboxImagesFromConfig({})).toEqual(['openclaw-sandbox:bookworm-slim']);
  });
});
