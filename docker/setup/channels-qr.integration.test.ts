/**
 * The QR smoke test (upstream's test:docker:qr): the gateway image, run with a TTY as the non-root
 * `node` user, draws a QR code with `openclaw channels qr-preview` (no gateway needed) and exits 0.
 * The drawn blocks are read back and compared module by module with what `qrcode` encodes, so a
 * mangled character set or a broken bundle fails here. The image carries a per-run tag and label
 * and is removed afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QR_MARGIN } from '../../gateway/channels/qr/qr-code.js';
import { gatewayBuildArgs, stageBuildContext } from '../build-context.js';
import { buildImage } from '../engine/image-build.js';
import { imageExists } from '../engine/images.js';
import { TEST_LABEL, cleanupRun, engineFixture } from '../engine/integration-support.js';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const BUNDLE = path.join(REPO, 'dist/gateway');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';
// The size of a WhatsApp link QR (ref, three keys, platform): about 240 characters.
const PAYLOAD = `2@${'Zq4Lm8Xw2Rt6Yp0Kd'.repeat(7)},${'bm9pc2Uta2V5LWJ5dGVz'.repeat(2)}=,${'aWRlbnRpdHkta2V5'.repeat(3)}=,${'YWR2LXNlY3JldA'.repeat(3)}==,WA`;

const { docker, ping, runId } = await engineFixture();
const imageTag = `openclaw-test/qr:${runId}`;

async function skipReason(): Promise<string | undefined> {
  if (!ping.ok) return 'no Docker engine';
  if (!(await imageExists(docker, NODE_BASE).catch(() => false)))
    return `no ${NODE_BASE} image (run scripts/make-base-images.sh)`;
  if (!existsSync(path.join(BUNDLE, 'openclaw.mjs')))
    return 'no gateway bundle (run npm run build)';
  return undefined;
}
const skip = await skipReason();
if (skip) console.warn(`SKIPPED docker QR smoke: ${skip}`);

/** Terminal blocks → module rows (a block half is a light module), quiet zone stripped. */
function modulesFromBlocks(lines: string[], size: number): boolean[][] {
  const drawn: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    drawn.push(chars.map((c) => c === '█' || c === '▀'));
    drawn.push(chars.map((c) => c === '█' || c === '▄'));
  }
  return Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) => !drawn[r + QR_MARGIN]![c + QR_MARGIN]),
  );
}

describe.skipIf(skip !== undefined)(
  `QR in the gateway image on a TTY${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      const context = await stageBuildContext({ bundleDir: BUNDLE, controlUiDir: null });
      try {
        await buildImage(docker, {
          contextDir: context.dir,
          tag: imageTag,
          buildArgs: gatewayBuildArgs({ nodeImage: NODE_BASE }),
          labels: { [TEST_LABEL]: runId },
        });
      } finally {
        await context.dispose();
      }
    }, 300_000);

    afterAll(async () => {
      await cleanupRun(docker, runId, [], [imageTag]);
    }, 60_000);

    it('draws a scannable QR as the node user with a TTY', async () => {
      const { stdout } = await run(
        'docker',
        [
          'run',
          '--rm',
          '-t',
          '--user',
          'node',
          '--name',
          `openclaw-test-qr-${runId}`,
          '--label',
          `${TEST_LABEL}=${runId}`,
          imageTag,
          'channels',
          'qr-preview',
          PAYLOAD,
        ],
        { timeout: 60_000 },
      );
      // A TTY turns \n into \r\n.
      const lines = stdout.split(/\r?\n/).filter((l) => l !== '');
      const summary = lines.pop()!;
      const { modules } = QRCode.create(PAYLOAD, { errorCorrectionLevel: 'M' });
      expect(summary).toBe(
        `QR preview: ${modules.size}x${modules.size} modules, ${PAYLOAD.length} characters`,
      );
      expect(lines).toHaveLength(Math.ceil((modules.size + 2 * QR_MARGIN) / 2));
      for (const line of lines) expect(line).toMatch(/^[█▀▄ ]+$/);
      const expected = Array.from({ length: modules.size }, (_, r) =>
        Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1),
      );
      expect(modulesFromBlocks(lines, modules.size)).toEqual(expected);
    }, 90_000);

    it('runs as the non-root node user', async () => {
      const { stdout } = await run(
        'docker',
        [
          'run',
          '--rm',
          '--user',
          'node',
          '--label',
          `${TEST_LABEL}=${runId}`,
          '--entrypoint',
          'id',
          imageTag,
          '-u',
        ],
        { timeout: 60_000 },
      );
      expect(stdout.trim()).toBe('1000');
    }, 90_000);
  },
);
