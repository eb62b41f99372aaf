/**
 * Every decision about app updates, over a small port that the Electron adapter implements with
 * electron-updater: when to check (a short delay after start, then every 12 hours, unless the
 * user turned automatic checks off), what to ask ("Version X is available — Download / Later /
 * Skip this version"), never downloading without a yes, progress for the UI, and "Restart to
 * update" once the file is there. A .deb on a system without a graphical admin prompt gets the
 * download link and the `sudo apt install` command instead. A build that cannot update itself
 * (from source, unpacked) never checks and says why.
 */
import type { UpdateState, UpdateView } from '../../contract/host-api.js';
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';
import { errorMessage } from '../../../gateway/infra/errors.js';
import type { DebInstallRoute } from './deb-install.js';
import type { UpdateSupport } from './package-kind.js';
import type { UpdateChannel } from './update-channel.js';

export type { UpdateState, UpdateView };

export const FIRST_CHECK_DELAY_MS = 30_000;
export const CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;

export interface UpdateOffer {
  version: string;
  /** File names or URLs of the release (the deb route picks its file from them). */
  files: readonly string[];
}

export interface DownloadProgress {
  percent: number;
  bytesPerSecond: number;
  transferred: number;
  total: number;
}

/** What the adapter does with electron-updater (autoDownload off: nothing happens unasked). */
export interface UpdaterPort {
  configure(channel: UpdateChannel): void;
  /** The newer release, or null when this is the newest on the channel. */
  check(): Promise<UpdateOffer | null>;
  download(onProgress: (progress: DownloadProgress) => void): Promise<void>;
  /** Quit and install the downloaded update (relaunches the app). */
  install(): void;
}

export type OfferAnswer = 'download' | 'later' | 'skip';

/** What the adapter shows (native dialogs in Electron). */
export interface UpdatePrompts {
  /** Ask before any download. `manual` is set when the app cannot install it itself (deb). */
  offer(offer: {
    version: string;
    current: string;
    manual?: Extract<DebInstallRoute, { kind: 'manual' }>;
  }): Promise<OfferAnswer>;
  /** The update is downloaded: restart now? */
  ready(version: string): Promise<'restart' | 'later'>;
  /** Open the download link of a release the user installs by hand. */
  openDownload(url: string): void;
  /** The result of a check the user asked for (up to date, failed, not supported). */
  inform(title: string, body: string): void;
}

export interface UpdateClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The version the user chose to skip, kept across starts. */
export interface SkippedVersionStore {
  get(): string | undefined;
  set(version: string | undefined): Promise<void>;
}

export interface UpdateControllerOptions {
  currentVersion: string;
  channel: UpdateChannel;
  support: UpdateSupport;
  updater: UpdaterPort;
  prompts: UpdatePrompts;
  clock: UpdateClock;
  skipped: SkippedVersionStore;
  /** The "Check for updates automatically" setting, read at every tick. */
  autoCheck: () => boolean;
  /** Only for a .deb: how the offered version would be installed. */
  debRoute?: (offer: UpdateOffer) => Promise<DebInstallRoute>;
  firstCheckDelayMs?: number;
  intervalMs?: number;
}

export class UpdateController implements Disposable {
  private status: UpdateState;
  private lastCheckedAt: number | undefined;
  private timer: unknown;
  private busy = false;
  private disposed = false;
  private readonly listeners = new Set<(view: UpdateView) => void>();

  constructor(private readonly options: UpdateControllerOptions) {
    this.status = options.support.supported
      ? { state: 'idle' }
      : { state: 'unsupported', reason: options.support.reason };
  }

  /** Arm the timers (nothing at all when this build cannot update itself). */
  start(): void {
    if (!this.options.support.supported || this.disposed) return;
    this.options.updater.configure(this.options.channel);
    this.schedule(this.options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
  }

  view(): UpdateView {
    return {
      currentVersion: this.options.currentVersion,
      channel: this.options.channel.channel,
      autoCheck: this.options.autoCheck(),
      ...(this.lastCheckedAt !== undefined ? { lastCheckedAt: this.lastCheckedAt } : {}),
      status: this.status,
    };
  }

  onChange(listener: (view: UpdateView) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** "Check for updates…": works with automatic checks off, and asks even for a skipped version. */
  async checkNow(): Promise<UpdateView> {
    if (!this.options.support.supported) {
      this.options.prompts.inform('Updates are not available', this.options.support.reason);
      return this.view();
    }
    await this.check(true);
    return this.view();
  }

  /** "Restart to update": only once a download finished. */
  install(): boolean {
    if (this.status.state !== 'downloaded') return false;
    this.options.updater.install();
    return true;
  }

  /** The setting changed: a check that was off and is now on runs at the next tick. */
  settingsChanged(): void {
    this.emit();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    this.timer = this.options.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    try {
      if (this.options.autoCheck()) await this.check(false);
    } finally {
      this.schedule(this.options.intervalMs ?? CHECK_INTERVAL_MS);
    }
  }

  private set(next: UpdateState): void {
    this.status = next;
    this.emit();
  }

  private emit(): void {
    const view = this.view();
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch {
        // a faulty listener must not stop the update flow
      }
    }
  }

  private async check(manual: boolean): Promise<void> {
    // One flow at a time; once downloaded, the answer is "Restart to update", not another check.
    if (this.busy || this.disposed) return;
    if (this.status.state === 'downloaded') {
      if (manual) await this.askRestart(this.status.version);
      return;
    }
    this.busy = true;
    try {
      this.set({ state: 'checking' });
      let offer: UpdateOffer | null;
      try {
        offer = await this.options.updater.check();
      } catch (err) {
        this.set({ state: 'error', message: `Checking for updates failed: ${errorMessage(err)}` });
        if (manual) this.options.prompts.inform('Could not check for updates', errorMessage(err));
        return;
      }
      this.lastCheckedAt = this.options.clock.now();
      if (!offer) {
        this.set({ state: 'up-to-date', checkedAt: this.lastCheckedAt });
        if (manual)
          this.options.prompts.inform(
            'OpenClaw Desktop is up to date',
            `Version ${this.options.currentVersion} is the newest on the ${this.options.channel.channel} channel.`,
          );
        return;
      }
      if (!manual && this.options.skipped.get() === offer.version) {
        this.set({ state: 'skipped', version: offer.version });
        return;
      }
      await this.offer(offer);
    } finally {
      this.busy = false;
    }
  }

  private async offer(offer: UpdateOffer): Promise<void> {
    const route =
      this.options.support.supported && this.options.support.kind === 'deb' && this.options.debRoute
        ? await this.options.debRoute(offer)
        : undefined;
    const manual = route?.kind === 'manual' ? route : undefined;
    this.set(
      manual
        ? {
            state: 'manual',
            version: offer.version,
            url: manual.url,
            command: manual.command,
            why: manual.why,
          }
        : { state: 'available', version: offer.version },
    );
    const answer = await this.options.prompts.offer({
      version: offer.version,
      current: this.options.currentVersion,
      ...(manual ? { manual } : {}),
    });
    if (answer === 'skip') {
      await this.options.skipped.set(offer.version);
      this.set({ state: 'skipped', version: offer.version });
      return;
    }
    if (answer === 'later') return;
    if (this.options.skipped.get() === offer.version) await this.options.skipped.set(undefined);
    if (manual) {
      this.options.prompts.openDownload(manual.url);
      return;
    }
    await this.download(offer.version);
  }

  private async download(version: string): Promise<void> {
    this.set({
      state: 'downloading',
      version,
      percent: 0,
      bytesPerSecond: 0,
      transferred: 0,
      total: 0,
    });
    try {
      await this.options.updater.download((p) => {
        if (this.status.state !== 'downloading') return;
        this.set({
          state: 'downloading',
          version,
          percent: Math.max(0, Math.min(100, p.percent)),
          bytesPerSecond: Math.max(0, p.bytesPerSecond),
          transferred: p.transferred,
          total: p.total,
        });
      });
    } catch (err) {
      this.set({ state: 'error', message: `Downloading ${version} failed: ${errorMessage(err)}` });
      this.options.prompts.inform(`Could not download version ${version}`, errorMessage(err));
      return;
    }
    this.set({ state: 'downloaded', version });
    await this.askRestart(version);
  }

  private async askRestart(version: string): Promise<void> {
    if ((await this.options.prompts.ready(version)) === 'restart') this.install();
  }
}
