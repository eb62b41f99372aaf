/** The sandbox images a config names: what sandboxd agrees to start, and nothing else. */
import type { OpenClawConfig } from '../../config/config-types.js';
import { SANDBOX_DEFAULTS } from '../contract.js';

/** The default image, `agents.defaults.sandbox.docker.image` and every agent's own, deduplicated. */
export function sandboxImagesFromConfig(config: Pick<OpenClawConfig, 'agents'>): string[] {
  const images = new Set<string>([SANDBOX_DEFAULTS.image]);
  const add = (image: unknown) => {
    if (typeof image === 'string' && image.trim() !== '') images.add(image.trim());
  };
  add(config.agents?.defaults?.sandbox?.docker?.image);
  for (const agent of config.agents?.list ?? []) add(agent.sandbox?.docker?.image);
  return [...images];
}

/** The browser sandbox images a config names (default image included): kept apart from the above. */
export function sandboxBrowserImagesFromConfig(config: Pick<OpenClawConfig, 'agents'>): string[] {
  const images = new Set<string>(['openclaw-sandbox-browser:bookworm-slim']);
  const add = (image: unknown) => {
    if (typeof image === 'string' && image.trim() !== '') images.add(image.trim());
  };
  add(config.agents?.defaults?.sandbox?.browser?.image);
  for (const agent of config.agents?.list ?? []) add(agent.sandbox?.browser?.image);
  return [...images];
}
