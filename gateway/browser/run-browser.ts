/**
 * Which browser a run's `browser` tool drives, and whether the run gets the tool at all:
 *
 * - a sandboxed session with `agents.*.sandbox.browser.enabled` (and the tool allowed by
 *   `tools.sandbox.tools`, where it is denied by default): the sandbox browser of its scope,
 *   started through sandboxd on the first browser action;
 * - a sandboxed session without it: no browser, unless `sandbox.browser.allowHostControl`;
 * - any other session: `browser.cdpUrl`, `browser.executablePath` or the Chromium installed with
 *   playwright-core (see browser-source.ts); none of them and no `browser.enabled: true`: no tool.
 *
 * Sessions (and so tabs) are kept per browser across runs: the same scope finds its tabs again.
 */
import type { AgentTool } from '@mariozechner/pi-agent-core';
import type { OpenClawConfig } from '../config/config-types.js';
import type { StatePaths } from '../config/paths.js';
import { errorMessage } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import {
  resolveSandboxBrowserPlan,
  resolveSandboxSettings,
  sandboxToolFilter,
} from '../sandbox/config/index.js';
import type { SandboxBrowserApi, SandboxBrowserInfo, SandboxPlan } from '../sandbox/contract.js';
import { resolveToolPolicy } from '../tools/tool-policy.js';
import { BrowserSession, type BrowserSource } from './browser-session.js';
import { cdpBrowser, hostBrowserSettings, resolveHostBrowser } from './browser-source.js';
import { createBrowserTool } from './browser-tool.js';

export interface RunBrowserRequest {
  config: OpenClawConfig;
  agentId: string;
  /** The run's sandbox plan; undefined when the session is not sandboxed. */
  sandbox?: { plan: SandboxPlan; api: () => Promise<SandboxBrowserApi> };
}

export interface RunBrowserDeps {
  paths: Pick<StatePaths, 'home' | 'stateDir'>;
  logger: Logger;
  /** Where sessions are kept; the runtime owns it and closes it on shutdown (default: a new one). */
  pool?: BrowserPool;
}

/** Idle sessions let go of their browser (a launched Chromium exits) after this long. */
const IDLE_CLOSE_MS = 15 * 60_000;

interface Kept {
  session: BrowserSession;
  timer?: NodeJS.Timeout;
}

/** The browser sessions of a runtime, by browser; idle ones close, all close with the runtime. */
export class BrowserPool {
  private readonly kept = new Map<string, Kept>();

  session(key: string, source: () => BrowserSource): BrowserSession {
    let entry = this.kept.get(key);
    if (!entry) {
      entry = { session: new BrowserSession(source()) };
      this.kept.set(key, entry);
    }
    const current = entry;
    if (current.timer) clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      if (this.kept.get(key) === current) this.kept.delete(key);
      void current.session.dispose();
    }, IDLE_CLOSE_MS);
    current.timer.unref();
    return current.session;
  }

  /** Closes launched browsers and CDP connections (sandbox browsers keep running). */
  async dispose(): Promise<void> {
    const all = [...this.kept.values()];
    this.kept.clear();
    for (const entry of all) if (entry.timer) clearTimeout(entry.timer);
    await Promise.all(all.map((entry) => entry.session.dispose()));
  }
}

export function createRunBrowser(
  deps: RunBrowserDeps,
): (request: RunBrowserRequest) => Promise<AgentTool | undefined> {
  const pool = deps.pool ?? new BrowserPool();
  const started = new Map<string, { info?: SandboxBrowserInfo }>();
  const sessionFor = (key: string, source: () => BrowserSource) => pool.session(key, source);

  return async ({ config, agentId, sandbox }) => {
    if (!resolveToolPolicy(config, agentId)('browser')) return undefined;
    if (sandbox) {
      const { plan } = sandbox;
      if (!sandboxToolFilter(config, agentId, plan.workspaceAccess)('browser')) return undefined;
      const browserPlan = resolveSandboxBrowserPlan({
        config,
        plan,
        paths: deps.paths,
        warn: (message) => deps.logger.warn(message),
      });
      if (!browserPlan) {
        const settings = resolveSandboxSettings(config, agentId, deps.paths);
        if (!settings.browser.allowHostControl) return undefined;
      } else {
        const key = `sandbox:${browserPlan.containerName}:${browserPlan.configHash}`;
        // Shared by every run of this scope: the session outlives the run that opened it.
        let state = started.get(key);
        if (!state) {
          state = {};
          started.set(key, state);
        }
        const known = state;
        const session = sessionFor(key, () => ({
          describe:
            browserPlan.headless || !browserPlan.noVnc
              ? `the sandbox browser (container ${browserPlan.containerName})`
              : `the sandbox browser (container ${browserPlan.containerName}); the user can watch and take over: action "status" gives the CDP control URL and a one-time live-view (noVNC) link to hand to them`,
          async open() {
            const api = await sandbox.api();
            known.info = await api.ensureBrowser(browserPlan);
            if (known.info.created)
              deps.logger.info('browser sandbox started', { container: browserPlan.containerName });
            return cdpBrowser(known.info.cdpUrl, 'the sandbox browser').open();
          },
        }));
        if (known.info)
          // A later run of the scope: record the use (idle time, prune) and restart a stopped
          // container; the run does not wait for it.
          void sandbox
            .api()
            .then((api) => api.ensureBrowser(browserPlan))
            .then(
              (info) => {
                known.info = info;
              },
              (err: unknown) =>
                deps.logger.warn('browser sandbox check failed', {
                  container: browserPlan.containerName,
                  error: errorMessage(err),
                }),
            );
        return createBrowserTool({
          session,
          statusLines: async () => {
            // `status` lists the tabs first, which starts the browser, so this is known by now.
            if (!known.info) return [];
            const lines = [
              `Control URL (CDP, reachable from the gateway only): ${known.info.cdpUrl}`,
            ];
            if (known.info.noVnc) {
              const link = await (await sandbox.api()).noVncLink(browserPlan.containerName);
              lines.push(
                `Live view for the user (noVNC, works once; ask again for a new one): ${link.url}`,
              );
            } else lines.push('Headless: no live view.');
            return lines;
          },
        });
      }
    }
    const settings = hostBrowserSettings(config);
    const source = await resolveHostBrowser(settings);
    if (!source) return undefined;
    const session = sessionFor(`host:${source.describe}:${JSON.stringify(settings)}`, () => source);
    return createBrowserTool({ session });
  };
}
