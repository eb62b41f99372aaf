// The sandbox image recipes and the "keep an unchanged image" rule, against a fake engine that
// knows a set of images (the real build is in sandbox-image.integration.test.ts).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_DEBIAN_IMAGE, LOCAL_NODE_IMAGE } from '../setup/base-image.js';
import { parseKind } from './sandbox-build-cli.js';
import {
  buildSandboxImage,
  SANDBOX_IMAGES,
  SANDBOX_RECIPE_LABEL,
  sandboxRecipeHash,
  type SandboxBuildEvent,
} from './sandbox-images.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);

function engineWith(images: Record<string, Record<string, string>>): Dockerode {
  return {
    getImage: (ref: string) => ({
      inspect: async () => {
        const labels = images[ref];
        if (!labels) {
          throw Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${ref}`), {
            statusCode: 404,
            json: { message: `No such image: ${ref}` },
          });
        }
        return { Id: `sha256:id-of-${ref}`, RepoTags: [ref], Size: 1, Config: { Labels: labels } };
      },
    }),
    buildImage: () => {
      throw new Error('the fake engine does not build');
    },
  } as unknown as Dockerode;
}

describe('sandbox image recipes', () => {
  it('uses the standard tags, the sandbox one being the config default', () => {
    expect(SANDBOX_IMAGES.sandbox.tag).toBe('openclaw-sandbox:bookworm-slim');
    expect(SANDBOX_IMAGES.common.tag).toBe('openclaw-sandbox-common:bookworm-slim');
    expect(SANDBOX_IMAGES.browser.tag).toBe('openclaw-sandbox-browser:bookworm-slim');
  });

  it('Dockerfiles install only Debian packages and run no downloaded installer', async () => {
    for (const recipe of Object.values(SANDBOX_IMAGES)) {
      const text = (await fs.readFile(path.join(HERE, recipe.dockerfile), 'utf8'))
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'))
        .join('\n');
      expect(text, recipe.dockerfile).not.toMatch(/curl[^\n]*\|\s*(ba)?sh|wget[^\n]*\|\s*(ba)?sh/);
      expect(text, recipe.dockerfile).not.toMatch(/^\s*(RUN --mount|COPY --chmod)/m); // legacy builder
      expect(text, recipe.dockerfile).toMatch(/^USER sandbox$/m);
    }
  });

  it('the recipe hash follows the files and the base ids', async () => {
    const a = await sandboxRecipeHash('sandbox', ['sha256:a']);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await sandboxRecipeHash('sandbox', ['sha256:a'])).toBe(a);
    expect(await sandboxRecipeHash('sandbox', ['sha256:b'])).not.toBe(a);
    expect(await sandboxRecipeHash('browser', ['sha256:a'])).not.toBe(a);
  });

  it('parses --image and refuses anything else with the choices', () => {
    expect(parseKind(['--image', 'common'])).toBe('common');
    expect(() => parseKind(['--image', 'gpu'])).toThrow(/sandbox, common, browser.*"gpu"/);
    expect(() => parseKind([])).toThrow(/--image must be one of/);
  });
});

describe('buildSandboxImage keeps an image whose recipe did not change', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-recipe-'));
    for (const name of ['sandbox.Dockerfile', 'sandbox-common.Dockerfile'])
      await fs.copyFile(path.join(HERE, name), path.join(dir, name));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('sandbox: same Dockerfile and base → no build; the local base is picked', async () => {
    const recipe = await sandboxRecipeHash('sandbox', [`sha256:id-of-${LOCAL_DEBIAN_IMAGE}`], dir);
    const docker = engineWith({
      [LOCAL_DEBIAN_IMAGE]: {},
      'openclaw-sandbox:bookworm-slim': { [SANDBOX_RECIPE_LABEL]: recipe },
    });
    const events: SandboxBuildEvent[] = [];
    const result = await buildSandboxImage(docker, {
      kind: 'sandbox',
      env: {},
      recipeDir: dir,
      onEvent: (e) => events.push(e),
    });
    expect(result).toMatchObject({ rebuilt: false, tag: 'openclaw-sandbox:bookworm-slim' });
    expect(result.bases[0]).toMatchObject({ source: 'local', image: LOCAL_DEBIAN_IMAGE });
    expect(events).toEqual([
      { kind: 'log', text: 'Image openclaw-sandbox:bookworm-slim is up to date' },
    ]);
  });

  it('a changed Dockerfile means a build (the fake engine refuses, proving it was asked)', async () => {
    const recipe = await sandboxRecipeHash('sandbox', [`sha256:id-of-${LOCAL_DEBIAN_IMAGE}`], dir);
    await fs.appendFile(path.join(dir, 'sandbox.Dockerfile'), '# changed\n');
    const docker = engineWith({
      [LOCAL_DEBIAN_IMAGE]: {},
      'openclaw-sandbox:bookworm-slim': { [SANDBOX_RECIPE_LABEL]: recipe },
    });
    await expect(
      buildSandboxImage(docker, { kind: 'sandbox', env: {}, recipeDir: dir }),
    ).rejects.toThrow(/Building openclaw-sandbox:bookworm-slim failed/);
  });

  it('common: checks the sandbox image first and builds on it with the Node base', async () => {
    const sandboxRecipe = await sandboxRecipeHash(
      'sandbox',
      [`sha256:id-of-${LOCAL_DEBIAN_IMAGE}`],
      dir,
    );
    const commonRecipe = await sandboxRecipeHash(
      'common',
      ['sha256:id-of-openclaw-sandbox:bookworm-slim', `sha256:id-of-${LOCAL_NODE_IMAGE}`],
      dir,
    );
    const docker = engineWith({
      [LOCAL_DEBIAN_IMAGE]: {},
      [LOCAL_NODE_IMAGE]: {},
      'openclaw-sandbox:bookworm-slim': { [SANDBOX_RECIPE_LABEL]: sandboxRecipe },
      'openclaw-sandbox-common:bookworm-slim': { [SANDBOX_RECIPE_LABEL]: commonRecipe },
    });
    const result = await buildSandboxImage(docker, { kind: 'common', env: {}, recipeDir: dir });
    expect(result.rebuilt).toBe(false);
    expect(result.bases.map((b) => b.image)).toEqual([LOCAL_DEBIAN_IMAGE, LOCAL_NODE_IMAGE]);
  });
});
