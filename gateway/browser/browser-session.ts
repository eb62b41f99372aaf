/**
 * One browser the agent drives, with its tabs. The browser itself comes from a `BrowserSource`
 * (a Chromium launched here, or one reached over CDP: the sandbox browser or `browser.cdpUrl`) and
 * is opened on the first action, not when the run starts, so a run that never browses pays
 * nothing. Tabs get short stable ids (`t1`, `t2`, …) the model passes back; one tab is "current"
 * and actions without `targetId` act there.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ErrorCode, OpenClawError, errorMessage } from '../infra/errors.js';

export interface OpenedBrowser {
  browser: Browser;
  /** Where pages live: the CDP browser's default context, or a fresh one for a launched browser. */
  context: BrowserContext;
  /** Closes what this side owns (a launched browser; for CDP only the connection). */
  close(): Promise<void>;
}

export interface BrowserSource {
  /** For messages: "the sandbox browser (openclaw-sbx-browser-main)", "Chromium at /usr/bin/chromium". */
  describe: string;
  open(): Promise<OpenedBrowser>;
}

export interface TabInfo {
  targetId: string;
  url: string;
  title: string;
  active: boolean;
}

/** Navigation and action timeouts: long enough for slow pages, short enough to keep runs moving. */
export const BROWSER_TIMEOUTS = { navigationMs: 30_000, actionMs: 10_000 } as const;

export class BrowserSession {
  private opened: Promise<OpenedBrowser> | undefined;
  private readonly ids = new WeakMap<Page, string>();
  private readonly pages = new Map<string, Page>();
  private counter = 0;
  private current: string | undefined;

  constructor(private readonly source: BrowserSource) {}

  get description(): string {
    return this.source.describe;
  }

  private async context(): Promise<BrowserContext> {
    if (!this.opened) {
      const attempt = this.source.open().then((o) => {
        o.context.setDefaultNavigationTimeout(BROWSER_TIMEOUTS.navigationMs);
        o.context.setDefaultTimeout(BROWSER_TIMEOUTS.actionMs);
        o.browser.on('disconnected', () => {
          // A crashed or recreated browser: start over on the next action.
          if (this.opened === attempt) this.reset();
        });
        return o;
      });
      this.opened = attempt;
      attempt.catch(() => {
        if (this.opened === attempt) this.opened = undefined;
      });
    }
    try {
      return (await this.opened).context;
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `Could not start or reach ${this.source.describe}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  private reset(): void {
    this.opened = undefined;
    this.pages.clear();
    this.current = undefined;
  }

  /** Registers pages opened by the site itself (popups, target=_blank) so they get ids too. */
  private sync(context: BrowserContext): void {
    for (const page of context.pages()) {
      if (this.ids.has(page)) continue;
      this.counter += 1;
      const id = `t${this.counter}`;
      this.ids.set(page, id);
      this.pages.set(id, page);
      page.once('close', () => {
        this.pages.delete(id);
        if (this.current === id) this.current = [...this.pages.keys()].at(-1);
      });
    }
    if (this.current === undefined || !this.pages.has(this.current))
      this.current = [...this.pages.keys()].at(-1);
  }

  async tabs(): Promise<TabInfo[]> {
    const context = await this.context();
    this.sync(context);
    const out: TabInfo[] = [];
    for (const [id, page] of this.pages) {
      const title = await page.title().catch(() => '');
      out.push({ targetId: id, url: page.url(), title, active: id === this.current });
    }
    return out;
  }

  /** The tab `targetId` names, or the current one (a new blank tab when there is none). */
  async page(targetId?: string): Promise<{ id: string; page: Page }> {
    const context = await this.context();
    this.sync(context);
    if (targetId !== undefined) {
      const page = this.pages.get(targetId.trim());
      if (!page)
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `No tab "${targetId}". Open tabs: ${[...this.pages.keys()].join(', ') || 'none'} (action "tabs" lists them).`,
        );
      return { id: targetId.trim(), page };
    }
    if (this.current !== undefined)
      return { id: this.current, page: this.pages.get(this.current)! };
    return this.newTab();
  }

  async newTab(): Promise<{ id: string; page: Page }> {
    const context = await this.context();
    const page = await context.newPage();
    this.sync(context);
    const id = this.ids.get(page)!;
    this.current = id;
    return { id, page };
  }

  async focus(targetId: string): Promise<{ id: string; page: Page }> {
    const found = await this.page(targetId);
    this.current = found.id;
    await found.page.bringToFront().catch(() => undefined);
    return found;
  }

  async close(targetId?: string): Promise<string> {
    const { id, page } = await this.page(targetId);
    await page.close();
    this.pages.delete(id);
    if (this.current === id) this.current = [...this.pages.keys()].at(-1);
    return id;
  }

  /** Closes the browser (or the CDP connection); the next action opens it again. */
  async dispose(): Promise<void> {
    const opened = this.opened;
    this.reset();
    if (!opened) return;
    const o = await opened.catch(() => undefined);
    await o?.close().catch(() => undefined);
  }
}
