/**
 * Electron smoke: launches the real app with Playwright's `_electron` where an Electron binary
 * exists (it cannot be installed on machines without access to Electron's download host), checks
 * the window is hardened and the host API answers through the preload bridge.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

function electronBinary(): string | undefined {
  const pathFile = path.join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(
    ROOT,
    'node_modules/electron/dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const display =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = !binary
  ? 'no Electron binary installed'
  : !display
    ? 'no display (run under xvfb-run)'
    : undefined;
if (skipReason) console.warn(`SKIPPED electron smoke: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(
  `electron smoke${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    it('opens a hardened window whose host API answers', async () => {
      const { _electron } = await import('playwright-core');
      const userData = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-electron-'));
      const app = await _electron.launch({
        executablePath: binary!,
        args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'],
        env: { ...process.env, OPENCLAW_DESKTOP_DATA_DIR: userData },
      });
      try {
        const window = await app.firstWindow();
        // No Node in the page (nodeIntegration off, context isolated); only the preload's bridge.
        expect(
          await window.evaluate(() => typeof (globalThis as { process?: unknown }).process),
        ).toBe('undefined');
        const outcome = await window.evaluate(() =>
          (
            window as unknown as {
              openclawHost: {
                call(n: string, p: object): Promise<{ ok: boolean; value?: { phase: string } }>;
              };
            }
          ).openclawHost.call('status.get', {}),
        );
        expect(outcome.ok).toBe(true);
        expect(typeof outcome.value?.phase).toBe('string');
        expect(
          await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
        ).toBe('undefined');
      } finally {
        await app.close();
        await fs.rm(userData, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
