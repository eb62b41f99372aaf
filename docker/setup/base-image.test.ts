// The base-image resolver against a fake engine that knows a given set of tags (the real engine
// case — only the local bases present — is in electron/host/stack/stack-manager.integration.test.ts).
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import {
  LOCAL_NODE_IMAGE,
  NO_BASE_NEXT_STEP,
  STOCK_NODE_IMAGE,
  resolveNodeBase,
} from './base-image.js';

function engineWith(tags: readonly string[], asked: string[] = []): Dockerode {
  return {
    getImage: (ref: string) => ({
      inspect: async () => {
        asked.push(ref);
        if (!tags.includes(ref)) {
          throw Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${ref}`), {
            statusCode: 404,
            json: { message: `No such image: ${ref}` },
          });
        }
        return { Id: `sha256:${ref.length}`, RepoTags: [ref], Size: 1, Config: { Labels: {} } };
      },
    }),
  } as unknown as Dockerode;
}

describe('resolveNodeBase', () => {
  it('an explicit OPENCLAW_NODE_IMAGE wins, even over a present stock image', async () => {
    const asked: string[] = [];
    const choice = await resolveNodeBase(engineWith([STOCK_NODE_IMAGE, 'my/node:22'], asked), {
      OPENCLAW_NODE_IMAGE: ' my/node:22 ',
    });
    expect(choice).toMatchObject({ source: 'explicit', image: 'my/node:22', present: true });
    expect(choice.nextStep).toBeUndefined();
    expect(asked).toEqual(['my/node:22']);
  });

  it('an explicit image that is not on the engine is still used, with how to load it', async () => {
    const choice = await resolveNodeBase(engineWith([LOCAL_NODE_IMAGE]), {
      OPENCLAW_NODE_IMAGE: 'mirror.example/node:22',
    });
    expect(choice).toMatchObject({ source: 'explicit', present: false });
    expect(choice.nextStep).toMatch(/docker load -i/);
  });

  it('prefers the stock node:22-bookworm-slim when the engine has it', async () => {
    const choice = await resolveNodeBase(engineWith([STOCK_NODE_IMAGE, LOCAL_NODE_IMAGE]), {});
    expect(choice).toMatchObject({ source: 'stock', image: STOCK_NODE_IMAGE, present: true });
  });

  it('falls back to the local openclaw-base image when the stock one is missing', async () => {
    const choice = await resolveNodeBase(engineWith([LOCAL_NODE_IMAGE]), {
      OPENCLAW_NODE_IMAGE: '',
    });
    expect(choice).toMatchObject({ source: 'local', image: LOCAL_NODE_IMAGE, present: true });
    expect(choice.summary).toMatch(/no registry needed/);
  });

  it('with neither, says so and how to get one (the build would have to pull the stock image)', async () => {
    const choice = await resolveNodeBase(engineWith([]), {});
    expect(choice).toMatchObject({ source: 'none', image: STOCK_NODE_IMAGE, present: false });
    expect(choice.summary).toMatch(/No Node 22 base image/);
    expect(choice.nextStep).toBe(NO_BASE_NEXT_STEP);
    expect(NO_BASE_NEXT_STEP).toMatch(/make-base-images\.sh/);
    expect(NO_BASE_NEXT_STEP).toMatch(/docker load -i/);
  });

  it('engine errors are not mistaken for a missing image', async () => {
    const down = {
      getImage: () => ({
        inspect: async () => {
          throw Object.assign(new Error('connect ENOENT /var/run/docker.sock'), {
            code: 'ENOENT',
            syscall: 'connect',
          });
        },
      }),
    } as unknown as Dockerode;
    await expect(resolveNodeBase(down, {})).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });
});
