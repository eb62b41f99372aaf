/**
 * The support bundle against the real engine: a labelled container of a throw-away compose
 * project, with secrets in its environment, command line and output, goes through the dockerode
 * adapter into the zip; nothing planted may survive. Skipped (loudly) without an engine.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_IMAGE,
  TEST_LABEL,
  cleanupRun,
  engineFixture,
} from '../../../docker/engine/integration-support.js';
import { createDiagnosticsContext, diagnosticsEngineFromDocker } from './context.js';
import { createSupportBundle } from './support-bundle.js';
import { freePort, testSettings } from './test-context.js';

const { docker, ready, skipNote, runId } = await engineFixture();
const project = `oc-diag-${runId}`;
const apiKey = `sk-proj-${randomBytes(24).toString('hex')}`;
const custom = `custom-${randomBytes(12).toString('hex')}`;
const bearer = randomBytes(24).toString('base64url');
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-bundle-int-'));
});

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, [project]);
  await fs.rm(root, { recursive: true, force: true });
});

describe(`support bundle with the real engine${skipNote}`, () => {
  it.skipIf(!ready)(`masks a real container's inspect output and logs${skipNote}`, async () => {
    const created = await docker.createContainer({
      Image: BASE_IMAGE,
      name: `${project}-openclaw-gateway-1`,
      Entrypoint: ['sh', '-c'],
      Cmd: [
        `echo "hello from diag"; echo "key=$OPENAI_API_KEY"; echo "custom $CUSTOM_VALUE"; echo 'Authorization: Bearer ${bearer}' >&2`,
      ],
      Env: [`OPENAI_API_KEY=${apiKey}`, `CUSTOM_VALUE=${custom}`],
      Labels: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': 'openclaw-gateway',
        [TEST_LABEL]: runId,
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await created.start();
    await created.wait();

    const settings = testSettings(root, { gatewayPort: await freePort() });
    const ctx = {
      ...createDiagnosticsContext({
        settings,
        docker,
        compose: null,
        projectName: project,
        extraSecrets: () => [custom],
      }),
      engine: diagnosticsEngineFromDocker(docker, project),
    };
    const outFile = path.join(root, 'bundle.zip');
    const bundle = await createSupportBundle(ctx, { outFile });
    const dir = `containers/${project}-openclaw-gateway-1`;
    expect(bundle.entries).toEqual(
      expect.arrayContaining([
        'engine/version.json',
        'engine/info.json',
        `${dir}/inspect.json`,
        `${dir}/logs.txt`,
      ]),
    );
    const files = Object.fromEntries(
      Object.entries(unzipSync(new Uint8Array(await fs.readFile(outFile)))).map(([n, d]) => [
        n,
        strFromU8(d),
      ]),
    );
    expect(files[`${dir}/logs.txt`]).toContain('hello from diag');
    expect(files[`${dir}/logs.txt`]).toMatch(/stderr: Authorization: Bearer \*\*\*/);
    expect(JSON.parse(files['engine/version.json']!).ApiVersion).toMatch(/^1\.\d+$/);
    const all = Object.values(files).join('\n');
    for (const secret of [apiKey, custom, bearer]) expect(all).not.toContain(secret);
    const diagnostics = JSON.parse(files['diagnostics.json']!) as Array<{
      id: string;
      status: string;
    }>;
    expect(diagnostics.find((d) => d.id === 'engine')?.status).toBe('ok');
  });
});
