/**
 * (Test-only) Waits until a gateway child process answers `/readyz`, failing at once with its
 * output when it exits early. Shared by the e2e files that start the built gateway themselves.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';

export async function waitForReady(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited early:\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/readyz', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`gateway did not become ready:\n${output()}`);
}
