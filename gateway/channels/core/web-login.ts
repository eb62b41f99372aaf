/**
 * QR logins in progress (WhatsApp), one per account, kept between `web.login.start` and
 * `web.login.wait`. The adapter rotates QR codes until the phone scans one; the latest is kept
 * rendered so a waiting client can show a fresh image. The session key handed to the client is an
 * opaque random id; the account id finds the login too.
 */
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { QrLogin } from '../contract.js';
import { qrDataUrl } from './qr-image.js';

interface LoginState {
  key: string;
  sessionKey: string;
  login: QrLogin;
  qr?: string;
  qrDataUrl?: string;
  outcome?: { connected: boolean; message: string };
  /** Settles with the outcome (linked or failed); never rejects. */
  done: Promise<{ connected: boolean; message: string }>;
  nextQr: Array<() => void>;
}

export class WebLogins {
  private readonly logins = new Map<string, LoginState>();

  constructor(private readonly logger: Logger) {}

  find(key: string, sessionKey?: string): LoginState | undefined {
    if (sessionKey) {
      for (const state of this.logins.values()) if (state.sessionKey === sessionKey) return state;
      return undefined;
    }
    return this.logins.get(key);
  }

  /** Registers a login; `onLinked` runs once the phone links (it starts the account). */
  add(key: string, login: QrLogin, onLinked: (identity: string) => Promise<void>): LoginState {
    const state: LoginState = {
      key,
      sessionKey: randomUUID(),
      login,
      nextQr: [],
      done: Promise.resolve({ connected: false, message: '' }),
    };
    login.onQr((qr) => {
      state.qr = qr;
      void qrDataUrl(qr).then(
        (url) => {
          state.qrDataUrl = url;
          for (const wake of state.nextQr.splice(0)) wake();
        },
        (err: unknown) => this.logger.warn('QR image failed', { error: errorMessage(err) }),
      );
    });
    state.done = login.linked.then(
      async ({ identity }) => {
        await onLinked(identity);
        return { connected: true, message: `Linked as ${identity}. The account is starting.` };
      },
      (err: unknown) => ({
        connected: false,
        message: `Login failed: ${errorMessage(err)} Start the login again.`,
      }),
    );
    void state.done.then((outcome) => {
      state.outcome = outcome;
      for (const wake of state.nextQr.splice(0)) wake();
    });
    this.logins.set(key, state);
    return state;
  }

  /** Resolves when the next QR image is ready, the login ends, or the time is up. */
  waitForQr(state: LoginState, timeoutMs: number): Promise<void> {
    if (state.qrDataUrl || state.outcome) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      state.nextQr.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async waitForOutcome(
    state: LoginState,
    timeoutMs: number,
  ): Promise<{ connected: boolean; message: string } | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([state.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async remove(key: string): Promise<void> {
    const state = this.logins.get(key);
    if (!state) return;
    this.logins.delete(key);
    if (!state.outcome) await state.login.cancel().catch(() => {});
  }

  async close(): Promise<void> {
    await Promise.all([...this.logins.keys()].map((key) => this.remove(key)));
  }
}
