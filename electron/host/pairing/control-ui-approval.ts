/**
 * The app approves its own Control UI window without asking — by the window's exact public key,
 * which the app knows because it set the window up. Never by client id: `openclaw-control-ui` is
 * a self-declared string any browser tab on the network can send, so a request that merely claims
 * it is left in the queue for the user like any other.
 */
import type { Disposable } from '../../../gateway/infra/disposable.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  isOpenClawError,
} from '../../../gateway/infra/errors.js';
import { silentLogger, type Logger } from '../../../gateway/infra/logger.js';
import { normalizePublicKeyB64Url } from '../../../gateway/pairing/device-crypto.js';
import { OPERATOR_ROLE } from './operator-profile.js';
import type { PairingSnapshot } from './pairing-queue.js';
import { defaultSetTimer, type SetTimer } from './timers.js';
import type { PairingQueueItem } from './pairing-views.js';

export type ControlUiApprovalOutcome =
  | { status: 'approved'; requestId: string; deviceId: string }
  | { status: 'timeout' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string };

export interface ControlUiExpectation extends Disposable {
  /** Canonical base64url of the expected key. */
  readonly publicKey: string;
  /** Settles once: approved, timed out, cancelled (disposed) or failed. Never rejects. */
  readonly outcome: Promise<ControlUiApprovalOutcome>;
}

/** What the approver needs from the pairing queue. */
export interface ControlUiApprovalQueue {
  pending(): PairingQueueItem[];
  onChange(listener: (snapshot: PairingSnapshot) => void): Disposable;
  approve(requestId: string): Promise<void>;
}

export interface ControlUiApproverOptions {
  setTimer?: SetTimer;
  logger?: Logger;
}

/** Long enough for a window to load and connect, short enough not to linger. */
export const DEFAULT_CONTROL_UI_EXPECTATION_MS = 2 * 60_000;

interface Expectation {
  publicKey: string;
  settle: (outcome: ControlUiApprovalOutcome) => void;
  approving: boolean;
  done: boolean;
  timer?: Disposable;
}

export class ControlUiApprover implements Disposable {
  private readonly expectations = new Set<Expectation>();
  private readonly setTimer: SetTimer;
  private readonly logger: Logger;
  private readonly subscription: Disposable;

  constructor(
    private readonly queue: ControlUiApprovalQueue,
    options: ControlUiApproverOptions = {},
  ) {
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.logger = options.logger ?? silentLogger;
    this.subscription = queue.onChange((snapshot) => this.match(snapshot.pending));
  }

  /**
   * Approve the next operator request whose public key is exactly `publicKeyB64Url` (raw
   * base64url; PEM is accepted and converted). One expectation approves one request.
   */
  expectControlUi(
    publicKeyB64Url: string,
    options: { timeoutMs?: number } = {},
  ): ControlUiExpectation {
    const publicKey = normalizePublicKeyB64Url(publicKeyB64Url);
    if (!publicKey) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'The Control UI public key is not a valid Ed25519 key.',
      );
    }
    let resolveOutcome: (outcome: ControlUiApprovalOutcome) => void = () => {};
    const outcome = new Promise<ControlUiApprovalOutcome>((resolve) => {
      resolveOutcome = resolve;
    });
    const expectation: Expectation = {
      publicKey,
      approving: false,
      done: false,
      settle: (result) => {
        if (expectation.done) return;
        expectation.done = true;
        this.expectations.delete(expectation);
        expectation.timer?.dispose();
        resolveOutcome(result);
      },
    };
    this.expectations.add(expectation);
    expectation.timer = this.setTimer(
      () => expectation.settle({ status: 'timeout' }),
      options.timeoutMs ?? DEFAULT_CONTROL_UI_EXPECTATION_MS,
    );
    // The window may have asked before the expectation was registered.
    this.match(this.queue.pending());
    return {
      publicKey,
      outcome,
      dispose: () => expectation.settle({ status: 'cancelled' }),
    };
  }

  dispose(): void {
    this.subscription.dispose();
    for (const expectation of [...this.expectations]) expectation.settle({ status: 'cancelled' });
  }

  private match(pending: readonly PairingQueueItem[]): void {
    for (const expectation of this.expectations) {
      if (expectation.approving || expectation.done) continue;
      const request = pending.find(
        (item) => item.publicKey === expectation.publicKey && item.role === OPERATOR_ROLE,
      );
      if (request) void this.approve(expectation, request);
    }
  }

  private async approve(expectation: Expectation, request: PairingQueueItem): Promise<void> {
    expectation.approving = true;
    try {
      await this.queue.approve(request.requestId);
      this.logger.info('approved the app’s own Control UI window', {
        deviceId: request.deviceId,
        requestId: request.requestId,
      });
      expectation.settle({
        status: 'approved',
        requestId: request.requestId,
        deviceId: request.deviceId,
      });
    } catch (err) {
      expectation.approving = false;
      // Superseded by a newer request from the same window: that one will match next.
      if (isOpenClawError(err, ErrorCode.PAIRING_NOT_FOUND)) return;
      expectation.settle({ status: 'failed', error: errorMessage(err) });
    }
  }
}

/** The Control UI with the gateway token in the fragment (never sent to the server, not logged). */
export function controlUiUrl(port: number, token: string): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Invalid gateway port ${String(port)}.`);
  }
  if (typeof token !== 'string' || token.trim() === '') {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'The gateway token is empty.');
  }
  return `http://127.0.0.1:${port}/#token=${encodeURIComponent(token.trim())}`;
}
