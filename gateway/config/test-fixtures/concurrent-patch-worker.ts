/**
 * Child process for the concurrent-writers test: `node --import tsx concurrent-patch-worker.ts
 * <configPath> <workerId> <count> <startAtMs>`. Each iteration writes one key of its own with a
 * plain patch (exercises the lock), then increments a shared counter optimistically with baseHash
 * and retries on conflict (exercises the conflict check across processes).
 */
import { isOpenClawError } from '../../infra/errors.js';
import { loadConfigSnapshot, patchConfig } from '../config-store.js';

const [configPath, workerId, countText, startAtText] = process.argv.slice(2);
if (!configPath || !workerId || !countText || !startAtText) {
  process.stderr.write(
    'usage: concurrent-patch-worker <configPath> <workerId> <count> <startAtMs>\n',
  );
  process.exit(2);
}
const paths = { configPath };
const env = {};
const count = Number(countText);

// Start together so the writers really overlap.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));

let conflicts = 0;
for (let i = 0; i < count; i += 1) {
  await patchConfig(paths, { meta: { [`w${workerId}_${i}`]: i } }, { env });
  for (;;) {
    const snap = await loadConfigSnapshot(paths, env);
    const meta = (snap.parsed as { meta?: { counter?: number } } | undefined)?.meta;
    try {
      await patchConfig(
        paths,
        { meta: { counter: (meta?.counter ?? 0) + 1 } },
        { env, baseHash: snap.hash },
      );
      break;
    } catch (err) {
      if (!isOpenClawError(err, 'CONFIG_CONFLICT')) throw err;
      conflicts += 1;
    }
  }
}
process.stdout.write(JSON.stringify({ workerId, conflicts }));
