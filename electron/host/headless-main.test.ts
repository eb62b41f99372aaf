import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEADLESS_PORT,
  HeadlessExit,
  dataDir,
  describeRunningInstance,
  resolvePort,
} from './headless-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('headless host options', () => {
  it('--port wins over OPENCLAW_DESKTOP_PORT, which wins over the default', () => {
    expect(resolvePort([], {})).toBe(DEFAULT_HEADLESS_PORT);
    expect(resolvePort([], { OPENCLAW_DESKTOP_PORT: '43210' })).toBe(43210);
    expect(resolvePort(['--port', '43211'], { OPENCLAW_DESKTOP_PORT: '43210' })).toBe(43211);
    expect(resolvePort(['--port=43212'], {})).toBe(43212);
    expect(resolvePort(['--port', '0'], {})).toBe(0);
  });

  it('a bad port is a usage error naming where it came from, not a crash in listen()', () => {
    expect(() => resolvePort(['--port', 'abc'], {})).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        exitCode: HeadlessExit.USAGE,
        message: expect.stringMatching(
          /^--port must be a port number from 1 to 65535 \(got "abc"\)/,
        ),
      }),
    );
    expect(() => resolvePort([], { OPENCLAW_DESKTOP_PORT: '70000' })).toThrow(
      /^OPENCLAW_DESKTOP_PORT must be a port number/,
    );
    expect(() => resolvePort(['--port'], {})).toThrow(/^--port must be a port number/);
  });

  it('uses the data folder the desktop app uses (Electron names it after productName)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      productName?: string;
    };
    expect(path.basename(dataDir({}))).toBe(pkg.productName);
    expect(dataDir({ OPENCLAW_DESKTOP_DATA_DIR: 'rel/data' })).toBe(path.resolve('rel/data'));
  });

  it.skipIf(process.platform === 'darwin' || process.platform === 'win32')(
    'ignores an empty or relative XDG_CONFIG_HOME instead of writing into the current folder',
    () => {
      const fallback = path.join(os.homedir(), '.config', 'OpenClaw Desktop');
      expect(dataDir({ XDG_CONFIG_HOME: '' })).toBe(fallback);
      expect(dataDir({ XDG_CONFIG_HOME: 'relative/config' })).toBe(fallback);
      expect(dataDir({ XDG_CONFIG_HOME: '/srv/cfg' })).toBe('/srv/cfg/OpenClaw Desktop');
    },
  );

  it('a second start that cannot get a link says why and what to do', async () => {
    const record = {
      pid: 4242,
      hostname: 'elsewhere',
      port: null,
      secret: 's'.repeat(32),
      startedAt: 0,
    };
    const starting = await describeRunningInstance(record, '/data/headless-instance.json');
    expect(starting.code).toBe(HeadlessExit.FAILED);
    expect(starting.text).toMatch(/already running \(pid 4242 on elsewhere\)\./);
    expect(starting.text).toMatch(/still starting: run `npm start` again in a few seconds/);

    // Port 1 on loopback: nothing of ours listens there.
    const silent = await describeRunningInstance({ ...record, port: 1 }, '/data/x.json');
    expect(silent.code).toBe(HeadlessExit.FAILED);
    expect(silent.text).toMatch(/at http:\/\/127\.0\.0\.1:1\/\./);
    expect(silent.text).toMatch(
      /did not answer\. If no OpenClaw Desktop is running, delete \/data\/x\.json/,
    );
  });
});
