import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeArgv,
  composeTerminalCommand,
  quoteShellArg,
  terminalShellFor,
  type ComposeInvocation,
} from './terminal-command.js';

const V1: ComposeInvocation = {
  command: ['docker-compose'],
  stackDir: '/home/jane/My Stack',
  files: ['/home/jane/My Stack/docker-compose.yml', '/home/jane/My Stack/docker-compose.extra.yml'],
  projectName: 'openclaw',
};
const V2: ComposeInvocation = {
  command: ['docker', 'compose'],
  stackDir: '/srv/stack',
  files: ['/srv/stack/docker-compose.yml'],
  projectName: 'openclaw',
};

describe('quoteShellArg', () => {
  it('leaves plain words bare and single-quotes the rest for POSIX shells', () => {
    expect(quoteShellArg('devices', 'posix')).toBe('devices');
    expect(quoteShellArg('docker-compose.extra.yml', 'posix')).toBe('docker-compose.extra.yml');
    expect(quoteShellArg('/a b', 'posix')).toBe("'/a b'");
    expect(quoteShellArg("it's", 'posix')).toBe("'it'\\''s'");
    expect(quoteShellArg('$HOME', 'posix')).toBe("'$HOME'");
    expect(quoteShellArg('', 'posix')).toBe("''");
  });

  it('uses PowerShell literal quotes with doubled quotes', () => {
    expect(quoteShellArg('C:\\Users\\Jane\\stack', 'powershell')).toBe('C:\\Users\\Jane\\stack');
    expect(quoteShellArg('C:\\Users\\Jane Doe\\stack', 'powershell')).toBe(
      "'C:\\Users\\Jane Doe\\stack'",
    );
    expect(quoteShellArg("O'Brien", 'powershell')).toBe("'O''Brien'");
    expect(quoteShellArg('a,b', 'powershell')).toBe("'a,b'");
    expect(quoteShellArg('$env:X', 'powershell')).toBe("'$env:X'");
  });

  it('picks PowerShell on Windows only', () => {
    expect(terminalShellFor('win32')).toBe('powershell');
    expect(terminalShellFor('darwin')).toBe('posix');
    expect(terminalShellFor('linux')).toBe('posix');
  });
});

describe('composeTerminalCommand', () => {
  it('names the stack folder, the v1 binary and both files', () => {
    expect(
      composeTerminalCommand(
        V1,
        ['run', '--rm', 'openclaw-cli', 'devices', 'approve', 'r-1'],
        'posix',
      ),
    ).toBe(
      "cd '/home/jane/My Stack' && docker-compose -f docker-compose.yml -f docker-compose.extra.yml run --rm openclaw-cli devices approve r-1",
    );
  });

  it('uses the v2 plugin and adds -p only for a project that is not the default', () => {
    expect(composeTerminalCommand(V2, ['ps'], 'posix')).toBe(
      'cd /srv/stack && docker compose -f docker-compose.yml ps',
    );
    expect(composeArgv({ ...V2, projectName: 'wtlan-abc' })).toEqual([
      'docker',
      'compose',
      '-f',
      'docker-compose.yml',
      '-p',
      'wtlan-abc',
    ]);
  });

  it('keeps files outside the stack folder absolute', () => {
    expect(
      composeArgv({ ...V2, files: ['/srv/stack/docker-compose.yml', '/etc/other.yml'] }),
    ).toEqual(['docker', 'compose', '-f', 'docker-compose.yml', '-f', '/etc/other.yml']);
  });

  it('writes PowerShell for Windows stack folders', () => {
    const win: ComposeInvocation = {
      command: ['docker', 'compose'],
      stackDir: 'C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw\\stack',
      files: [
        'C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw\\stack\\docker-compose.yml',
        'C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw\\stack\\docker-compose.extra.yml',
      ],
      projectName: 'openclaw',
    };
    expect(
      composeTerminalCommand(win, ['run', '--rm', 'openclaw-cli', 'devices', 'list'], 'powershell'),
    ).toBe(
      "cd 'C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw\\stack'; docker compose -f docker-compose.yml -f docker-compose.extra.yml run --rm openclaw-cli devices list",
    );
  });

  it('survives a real shell: bash receives exactly the words, in the right folder', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "wtlan quote it's $x "));
    try {
      const stackDir = path.join(root, 'stack dir');
      await fs.mkdir(stackDir);
      // A fake compose CLI on PATH that prints where it runs and what it got, one word a line.
      const bin = path.join(root, 'bin');
      await fs.mkdir(bin);
      await fs.writeFile(
        path.join(bin, 'docker-compose'),
        '#!/bin/sh\npwd\nfor a in "$@"; do printf "%s\\n" "$a"; done\n',
        { mode: 0o755 },
      );
      const command = composeTerminalCommand(
        {
          command: ['docker-compose'],
          stackDir,
          files: [path.join(stackDir, 'docker-compose.yml')],
          projectName: 'my proj',
        },
        ['run', '--rm', 'openclaw-cli', 'config', 'set', 'x', "{a:'b c'}"],
        'posix',
      );
      const run = spawnSync('bash', ['-c', command], {
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.split('\n').slice(0, -1)).toEqual([
        await fs.realpath(stackDir),
        '-f',
        'docker-compose.yml',
        '-p',
        'my proj',
        'run',
        '--rm',
        'openclaw-cli',
        'config',
        'set',
        'x',
        "{a:'b c'}",
      ]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
