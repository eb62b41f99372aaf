import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGatewayRunFlags } from './gateway-run.js';

describe('gateway run flags', () => {
  it('reads --token-file and --password-file (first line, line break dropped)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-run-flags-'));
    try {
      await fs.writeFile(path.join(dir, 'token'), 'file-token-0123456789\n', { mode: 0o600 });
      await fs.writeFile(path.join(dir, 'password'), 'pw with spaces\r\n', { mode: 0o600 });
      const parsed = await parseGatewayRunFlags([
        '--token-file',
        path.join(dir, 'token'),
        '--password-file',
        path.join(dir, 'password'),
      ]);
      expect(parsed.flags.token).toBe('file-token-0123456789');
      expect(parsed.flags.password).toBe('pw with spaces');
      await expect(
        parseGatewayRunFlags(['--token', 'x', '--token-file', path.join(dir, 'token')]),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(
        parseGatewayRunFlags(['--token-file', path.join(dir, 'missing')]),
      ).rejects.toThrow(/--token-file .*missing: cannot read it/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
