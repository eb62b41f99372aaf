// Where the app offers to make local base images, and where it explains instead; and that the run
// streams the script's progress and reports a failure with its last lines.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBaseSupport, makeLocalBaseImages, type MakeBaseProbe } from './local-base-images.js';

let dir: string;
let script: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-base-'));
  script = path.join(dir, 'make-base-images.sh');
  await fs.writeFile(script, 'echo "[base-images] working" >&2\necho "--build-arg X"\n');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const probe = (patch: Partial<MakeBaseProbe>): MakeBaseProbe => ({
  platform: 'linux',
  uid: 1000,
  scriptPath: script,
  hasApt: async () => true,
  hasPasswordlessSudo: async () => false,
  ...patch,
});

describe('localBaseSupport', () => {
  it('runs the script directly as root', async () => {
    const support = await localBaseSupport(probe({ uid: 0 }));
    expect(support).toMatchObject({ possible: true, command: ['bash', script] });
  });

  it('uses sudo -n only when sudo asks no password', async () => {
    const support = await localBaseSupport(probe({ hasPasswordlessSudo: async () => true }));
    expect(support.command).toEqual(['sudo', '-n', '--', 'bash', script]);
    const refused = await localBaseSupport(probe({}));
    expect(refused.possible).toBe(false);
    expect(refused.detail).toContain(`sudo ${script}`);
  });

  it.each([
    ['darwin', {}, /needs Linux/],
    ['win32', {}, /needs Linux/],
    ['linux', { hasApt: async () => false }, /needs apt/],
    ['linux', { scriptPath: undefined }, /does not include/],
  ] as const)(
    'on %s without what it needs, explains docker load and mirrors',
    async (platform, patch, why) => {
      const support = await localBaseSupport(probe({ platform, uid: 0, ...patch }));
      expect(support.possible).toBe(false);
      expect(support.command).toBeUndefined();
      expect(support.detail).toMatch(why);
      expect(support.detail).toMatch(/docker load -i/);
      expect(support.detail).toMatch(/registry-mirrors/);
    },
  );
});

describe('makeLocalBaseImages', () => {
  it('streams the progress lines', async () => {
    const lines: string[] = [];
    await makeLocalBaseImages(
      { possible: true, detail: '', command: ['bash', script] },
      { env: process.env, onLine: (line) => lines.push(line) },
    );
    expect(lines).toContain('[base-images] working');
  });

  it('reports a failing script with its last lines, and refuses when it cannot run', async () => {
    const failing = path.join(dir, 'fail.sh');
    await fs.writeFile(failing, 'echo "[base-images] error: debootstrap failed" >&2\nexit 1\n');
    await expect(
      makeLocalBaseImages(
        { possible: true, detail: '', command: ['bash', failing] },
        { env: process.env },
      ),
    ).rejects.toMatchObject({
      code: 'BASE_IMAGE_UNAVAILABLE',
      message: expect.stringContaining('debootstrap failed'),
    });
    await expect(
      makeLocalBaseImages({ possible: false, detail: 'needs Linux' }, { env: process.env }),
    ).rejects.toMatchObject({ code: 'BASE_IMAGE_UNAVAILABLE', message: 'needs Linux' });
  });
});
