/**
 * The browser sandbox of a sandboxed run (`agents.*.sandbox.browser`), as plain data: one browser
 * container per sandbox scope (the same scope key as the run's container, its own name prefix).
 * No Docker here; the engine applies the policy gate. Browser binds are not mounted yet, so a
 * config that sets them is told so rather than silently getting an empty browser.
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { StatePaths } from '../../config/paths.js';
import type { SandboxBrowserPlan, SandboxPlan } from '../contract.js';
import { sandboxConfigHash } from './sandbox-config-hash.js';
import { sandboxContainerName } from './sandbox-naming.js';
import { resolveSandboxSettings } from './sandbox-settings.js';

export function resolveSandboxBrowserPlan(options: {
  config: OpenClawConfig;
  plan: Pick<SandboxPlan, 'agentId' | 'scope' | 'scopeKey'>;
  paths: Pick<StatePaths, 'home' | 'stateDir'>;
  warn?: (message: string) => void;
}): SandboxBrowserPlan | undefined {
  const { plan } = options;
  const browser = resolveSandboxSettings(options.config, plan.agentId, options.paths).browser;
  if (!browser.enabled) return undefined;
  if (browser.binds && browser.binds.length > 0)
    options.warn?.(
      `agent ${plan.agentId}: sandbox.browser.binds are not mounted into the browser container yet; downloads stay inside it`,
    );
  const shape = {
    image: browser.image,
    network: browser.network,
    headless: browser.headless,
    noVnc: browser.noVncEnabled,
    cdpPort: browser.cdpPort,
    noVncPort: browser.noVncPort,
    cdpSourceRange: browser.cdpSourceRange,
  };
  return {
    agentId: plan.agentId,
    scopeKey: plan.scopeKey,
    containerName: sandboxContainerName(browser.containerPrefix, plan.scope, plan.scopeKey),
    ...shape,
    startTimeoutMs: browser.autoStartTimeoutMs,
    configHash: sandboxConfigHash(shape),
  };
}
