import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import {
  EXTRA_COMPOSE_FILE,
  EXTRA_COMPOSE_MARKER,
  renderExtraCompose,
  writeExtraCompose,
} from './extra-compose.js';
import { parseSetupInputs, type SetupInputs } from './inputs.js';

function inputs(env: Record<string, string>): SetupInputs {
  const result = parseSetupInputs(
    { OPENCLAW_CONFIG_DIR: '/srv/oc/config', ...env },
    { homeDir: '/home/me' },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

interface VolumeEntry {
  type: string;
  source: string;
  target: string;
  read_only?: boolean;
}
interface ExtraDoc {
  services: Record<string, { volumes: VolumeEntry[] }>;
  volumes?: Record<string, { labels: Record<string, string> }>;
}

function render(env: Record<string, string>): { text: string; doc: ExtraDoc } {
  const text = renderExtraCompose(inputs(env));
  if (text === null) throw new Error('expected a file');
  return { text, doc: parse(text) as ExtraDoc };
}

describe('renderExtraCompose', () => {
  it('returns null when there is nothing to add', () => {
    expect(renderExtraCompose(inputs({}))).toBeNull();
  });

  it('puts the home volume first, the config and workspace again, then the extras — for both services', () => {
    const { text, doc } = render({
      OPENCLAW_HOME_VOLUME: 'openclaw-home',
      OPENCLAW_EXTRA_MOUNTS: '/srv/data x:/data/x y:ro,/srv/b:/b',
    });
    expect(text.split('\n')[0]).toBe(EXTRA_COMPOSE_MARKER);
    const expected = [
      { type: 'volume', source: 'openclaw-home', target: '/home/node' },
      { type: 'bind', source: '${OPENCLAW_CONFIG_DIR}', target: '/home/node/.openclaw' },
      {
        type: 'bind',
        source: '${OPENCLAW_WORKSPACE_DIR}',
        target: '/home/node/.openclaw/workspace',
      },
      { type: 'bind', source: '/srv/data x', target: '/data/x y', read_only: true },
      { type: 'bind', source: '/srv/b', target: '/b', read_only: false },
    ];
    expect(Object.keys(doc.services)).toEqual(['openclaw-gateway', 'openclaw-cli']);
    expect(doc.services['openclaw-gateway']!.volumes).toEqual(expected);
    expect(doc.services['openclaw-cli']!.volumes).toEqual(expected);
    expect(doc.volumes).toEqual({
      'openclaw-home': { labels: { 'org.openclaw.desktop.stack': '1' } },
    });
  });

  it('binds a host-path home without declaring a named volume', () => {
    const { doc } = render({ OPENCLAW_HOME_VOLUME: 'D:\\openclaw\\home' });
    expect(doc.services['openclaw-gateway']!.volumes[0]).toEqual({
      type: 'bind',
      source: 'D:\\openclaw\\home',
      target: '/home/node',
    });
    expect(doc.volumes).toBeUndefined();
  });

  it('keeps Windows backslashes and spaces exact through YAML', () => {
    const { text, doc } = render({
      OPENCLAW_EXTRA_MOUNTS: 'C:\\Users\\Jane Doe\\My Data\\:/data:ro,c:/x y/z:/z',
    });
    expect(text).toContain('source: "C:\\\\Users\\\\Jane Doe\\\\My Data"');
    const volumes = doc.services['openclaw-cli']!.volumes;
    expect(volumes.map((v) => v.source)).toEqual(['C:\\Users\\Jane Doe\\My Data', 'c:/x y/z']);
  });

  it('keeps unicode paths exact', () => {
    const { doc } = render({ OPENCLAW_EXTRA_MOUNTS: '/srv/données/ünï cødé:/data' });
    expect(doc.services['openclaw-gateway']!.volumes[0]!.source).toBe('/srv/données/ünï cødé');
  });

  it('adds no key other than volumes (no injection path into the service definition)', () => {
    const { doc } = render({
      OPENCLAW_EXTRA_MOUNTS: '/srv/x - y:/p - q:ro,/srv/privileged true:/p,/srv/a&b*c!d:/e@f%g',
    });
    for (const service of Object.values(doc.services)) {
      expect(Object.keys(service)).toEqual(['volumes']);
      for (const v of service.volumes) {
        expect(
          Object.keys(v).every((k) => ['type', 'source', 'target', 'read_only'].includes(k)),
        ).toBe(true);
      }
    }
  });
});

describe('writeExtraCompose', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw extra '));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes, keeps, rewrites and removes its own file', async () => {
    const file = path.join(dir, EXTRA_COMPOSE_FILE);
    const withMount = inputs({ OPENCLAW_EXTRA_MOUNTS: '/srv/a:/a' });
    expect(await writeExtraCompose(dir, withMount)).toEqual({ file, action: 'written' });
    expect(await writeExtraCompose(dir, withMount)).toEqual({ file, action: 'unchanged' });
    expect(await writeExtraCompose(dir, inputs({ OPENCLAW_EXTRA_MOUNTS: '/srv/b:/b' }))).toEqual({
      file,
      action: 'written',
    });
    expect(await fs.readFile(file, 'utf8')).toContain('"/srv/b"');
    expect(await writeExtraCompose(dir, inputs({}))).toEqual({ file, action: 'removed' });
    await expect(fs.access(file)).rejects.toThrow();
    expect(await writeExtraCompose(dir, inputs({}))).toEqual({ file, action: 'absent' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('never replaces or deletes a file the user wrote', async () => {
    const file = path.join(dir, EXTRA_COMPOSE_FILE);
    const mine = 'services:\n  openclaw-gateway:\n    environment:\n      FOO: bar\n';
    await fs.writeFile(file, mine);
    for (const env of [{}, { OPENCLAW_EXTRA_MOUNTS: '/srv/a:/a' }] as Array<
      Record<string, string>
    >) {
      const err = await writeExtraCompose(dir, inputs(env)).catch((e: unknown) => e);
      expect(isOpenClawError(err, 'STACK_FILE_CONFLICT')).toBe(true);
      expect((err as Error).message).toContain(file);
    }
    expect(await fs.readFile(file, 'utf8')).toBe(mine);
  });

  it('does not treat a marker on a later line as ours', async () => {
    const file = path.join(dir, EXTRA_COMPOSE_FILE);
    await fs.writeFile(file, `services: {}\n${EXTRA_COMPOSE_MARKER}\n`);
    await expect(writeExtraCompose(dir, inputs({}))).rejects.toMatchObject({
      code: 'STACK_FILE_CONFLICT',
    });
  });
});
