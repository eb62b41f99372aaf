/**
 * One `ModelProviders` per config snapshot and agent, reused across runs: building it walks the
 * whole built-in model catalog, which is most of a run's own garbage. A new snapshot (config
 * reload) or a changed `auth-profiles.json` (a sign-in, a new key) builds a fresh one.
 */
import { promises as fs } from 'node:fs';
import type { ConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import type { Logger } from '../../infra/logger.js';
import { authProfilesPath } from '../providers/auth-profiles.js';
import { ModelProviders } from '../providers/model-providers.js';

interface Cached {
  stamp: string;
  providers: Promise<ModelProviders>;
}

async function fileStamp(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return 'absent';
  }
}

export class ProvidersCache {
  private readonly bySnapshot = new WeakMap<object, Map<string, Cached>>();

  constructor(
    private readonly env: Env,
    private readonly paths: StatePaths,
    /** Where the providers note sign-in renewals (never a token). */
    private readonly logger?: Logger,
  ) {}

  async get(snapshot: ConfigSnapshot, agentId: string): Promise<ModelProviders> {
    const stamp = await fileStamp(authProfilesPath(this.paths, agentId));
    let perAgent = this.bySnapshot.get(snapshot);
    if (!perAgent) {
      perAgent = new Map();
      this.bySnapshot.set(snapshot, perAgent);
    }
    const hit = perAgent.get(agentId);
    if (hit && hit.stamp === stamp) return hit.providers;
    const entry: Cached = {
      stamp,
      providers: ModelProviders.fromSnapshot(snapshot, this.env, this.paths, agentId, this.logger),
    };
    perAgent.set(agentId, entry);
    // A failed build (unreadable profiles) is not remembered: the next run tries again.
    entry.providers.catch(() => {
      if (perAgent.get(agentId) === entry) perAgent.delete(agentId);
    });
    return entry.providers;
  }
}
