/**
 * Where the browser comes from when the session is not sandboxed: `browser.cdpUrl` (a browser the
 * user runs elsewhere), else a Chromium started here with Playwright: `browser.executablePath`, or
 * the one `playwright-core`'s installer put under PLAYWRIGHT_BROWSERS_PATH (in the gateway image:
 * `node /app/node_modules/playwright-core/cli.js install chromium`, kept on the home volume).
 * Nothing is installed at run time and no system libraries are fetched: a missing browser is a
 * clear error that says how to install one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { OpenClawConfig } from '../config/config-types.js';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { BrowserSource, OpenedBrowser } from './browser-session.js';

/** The keys of upstream's top-level `browser` block this gateway reads (the rest is accepted). */
export interface HostBrowserSettings {
  /** false turns the tool off; true keeps it listed even before a browser is installed. */
  enabled?: boolean;
  cdpUrl?: string;
  executablePath?: string;
  headless: boolean;
  noSandbox: boolean;
  extraArgs: string[];
}

/** Flags for a browser nobody watches: no GPU, no background traffic to Google, no updates. */
export const QUIET_CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export const BROWSER_INSTALL_HINT =
  'Install Chromium once with `docker compose run --rm openclaw-cli node /app/node_modules/playwright-core/cli.js install chromium` (it lands in PLAYWRIGHT_BROWSERS_PATH on the home volume, OPENCLAW_HOME_VOLUME, so it survives restarts; its system libraries come from OPENCLAW_DOCKER_APT_PACKAGES when the image is built), or set browser.cdpUrl to a running browser, or browser.executablePath to a Chromium binary.';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Reads `browser.*`. Chromium's own sandbox needs user namespaces, which Docker's default seccomp
 * profile denies to an unprivileged container; inside a container it is therefore off unless
 * `browser.noSandbox: false` says otherwise (the container is the boundary there).
 */
export function hostBrowserSettings(
  config: Pick<OpenClawConfig, 'browser'>,
  inContainer = existsSync('/.dockerenv'),
): HostBrowserSettings {
  const raw = (config.browser ?? {}) as Record<string, unknown>;
  const extra = Array.isArray(raw.extraArgs)
    ? raw.extraArgs.filter((a): a is string => typeof a === 'string')
    : [];
  return {
    enabled: typeof raw.enabled === 'boolean' ? raw.enabled : undefined,
    cdpUrl: str(raw.cdpUrl),
    executablePath: str(raw.executablePath),
    headless: typeof raw.headless === 'boolean' ? raw.headless : true,
    noSandbox: typeof raw.noSandbox === 'boolean' ? raw.noSandbox : inContainer,
    extraArgs: extra,
  };
}

/**
 * Playwright's own Chromium under PLAYWRIGHT_BROWSERS_PATH, when it was installed. On Linux (the
 * gateway image) this only looks at files: importing playwright-core costs 1.5 s or more, which
 * every first run would pay even when the agent never browses. The revision comes from the
 * installed package's browsers.json, the layout from Playwright's installer.
 */
export async function installedChromium(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (process.platform !== 'linux') {
    const { chromium } = await import('playwright-core');
    try {
      const found = chromium.executablePath();
      return found && existsSync(found) ? found : undefined;
    } catch {
      return undefined;
    }
  }
  const root =
    env.PLAYWRIGHT_BROWSERS_PATH?.trim() || path.join(os.homedir(), '.cache', 'ms-playwright');
  let folders: string[];
  const revision = chromiumRevision();
  try {
    folders = revision
      ? [`chromium-${revision}`]
      : readdirSync(root)
          .filter((name) => /^chromium-\d+$/.test(name))
          .sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  } catch {
    return undefined;
  }
  for (const folder of folders)
    for (const binary of ['chrome-linux64/chrome', 'chrome-linux/chrome']) {
      const candidate = path.join(root, folder, binary);
      if (existsSync(candidate)) return candidate;
    }
  return undefined;
}

/** The Chromium revision the installed playwright-core drives (its browsers.json). */
function chromiumRevision(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('playwright-core/package.json'));
    const data = JSON.parse(readFileSync(path.join(dir, 'browsers.json'), 'utf8')) as {
      browsers?: Array<{ name?: string; revision?: string }>;
    };
    return data.browsers?.find((b) => b.name === 'chromium')?.revision;
  } catch {
    return undefined;
  }
}

export function launchedChromium(
  executablePath: string,
  settings: Pick<HostBrowserSettings, 'headless' | 'noSandbox' | 'extraArgs'>,
): BrowserSource {
  return {
    describe: `Chromium at ${executablePath}`,
    async open(): Promise<OpenedBrowser> {
      const { chromium } = await import('playwright-core');
      const args: string[] = [...QUIET_CHROMIUM_ARGS, ...settings.extraArgs];
      if (settings.noSandbox) args.push('--no-sandbox');
      const browser = await chromium.launch({
        executablePath,
        headless: settings.headless,
        args,
        timeout: 30_000,
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      return { browser, context, close: () => browser.close() };
    },
  };
}

/** A refused or reset connection: the endpoint is not listening yet (a relay still starting). */
function notListeningYet(err: unknown): boolean {
  return /ECONNRESET|ECONNREFUSED|socket hang up/.test(String((err as Error)?.message ?? err));
}

/** A browser that already runs (sandbox container, `browser.cdpUrl`): only the link is ours. */
export function cdpBrowser(cdpUrl: string, describe: string, timeoutMs = 12_000): BrowserSource {
  return {
    describe,
    async open(): Promise<OpenedBrowser> {
      const { chromium } = await import('playwright-core');
      // A sandbox browser reports ready once Chromium answers inside the container; the published
      // relay in front of it may take a moment longer to accept, so early resets are retried.
      const deadline = Date.now() + timeoutMs;
      let browser: Awaited<ReturnType<typeof chromium.connectOverCDP>>;
      for (;;) {
        try {
          browser = await chromium.connectOverCDP(cdpUrl, {
            timeout: Math.max(1_000, deadline - Date.now()),
          });
          break;
        } catch (err) {
          if (!notListeningYet(err) || Date.now() + 250 >= deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      const context = browser.contexts()[0] ?? (await browser.newContext());
      return { browser, context, close: () => browser.close() };
    },
  };
}

/**
 * The host browser for a session that is not sandboxed, or undefined when the tool should not be
 * offered (turned off, or nothing configured and nothing installed). With `browser.enabled: true`
 * but no browser, the tool is offered and answers with the install instructions.
 */
export async function resolveHostBrowser(
  settings: HostBrowserSettings,
): Promise<BrowserSource | undefined> {
  if (settings.enabled === false) return undefined;
  if (settings.cdpUrl)
    return cdpBrowser(settings.cdpUrl, `the browser at ${redactUrl(settings.cdpUrl)}`);
  if (settings.executablePath) {
    if (!existsSync(settings.executablePath))
      return missingBrowser(
        `browser.executablePath is ${settings.executablePath}, which does not exist. ${BROWSER_INSTALL_HINT}`,
      );
    return launchedChromium(settings.executablePath, settings);
  }
  const installed = await installedChromium();
  if (installed) return launchedChromium(installed, settings);
  if (settings.enabled === true)
    return missingBrowser(`No browser is installed for the gateway. ${BROWSER_INSTALL_HINT}`);
  return undefined;
}

function missingBrowser(message: string): BrowserSource {
  return {
    describe: 'no browser installed',
    open: () => Promise.reject(new OpenClawError(ErrorCode.NOT_FOUND, message)),
  };
}

/** CDP URLs of hosted providers carry tokens in the query or user part; never show them. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'a CDP endpoint';
  }
}
