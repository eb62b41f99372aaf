/**
 * The supervisor: observes the engine and the gateway container (polling plus engine events), keeps
 * one status snapshot, runs every start/stop/restart/rebuild through the serial queue, and repairs
 * crashes per the restart policy — never a stop the user asked for. No Docker or Electron here:
 * everything outside is a port, so every scenario runs in tests with a fake clock.
 */
import { cancelledError } from '../../../docker/engine/abort.js';
import { DisposableStore, type Disposable } from '../../../gateway/infra/disposable.js';
import { ErrorCode, errorMessage, isOpenClawError } from '../../../gateway/infra/errors.js';
import { silentLogger, type Logger } from '../../../gateway/infra/logger.js';
import { CrashDetector, type ExitVerdict, type GatewayEvent } from './crash-detector.js';
import { NamedTimers } from './named-timers.js';
import { observeGateway } from './observe-gateway.js';
import { GatewayNotifier } from './notifications.js';
import { OperationQueue, type OperationQueueState, type OperationRun } from './operation-queue.js';
import { RestartPolicy, type RestartPolicyState } from './restart-policy.js';
import {
  STARTING_OPERATION_KINDS,
  computeStatus,
  type EngineState,
  type GatewayStatusSnapshot,
  type ObservedEngineState,
  type OperatorState,
  type StatusObservation,
} from './status-phase.js';
import { StatusPublisher } from './status-publisher.js';
import {
  systemClock,
  type GatewayContainerInfo,
  type RunOperationOptions,
  type SupervisorClock,
  type SupervisorOptions,
} from './supervisor-ports.js';

export * from './supervisor-ports.js';

type TimerName = 'poll' | 'restart' | 'flush' | 'confirm';

interface Observed {
  engine: ObservedEngineState;
  stackSetUp: boolean;
  container?: GatewayContainerInfo;
  httpReady?: boolean;
}

const runKey = (c: GatewayContainerInfo | undefined): string | undefined =>
  c?.state === 'running' ? `${c.id}@${c.startedAt ?? ''}` : undefined;

export class Supervisor implements Disposable {
  /** For the pairing glue: "New device wants to connect" goes through the same de-duplication. */
  readonly notifications: GatewayNotifier;
  private readonly clock: SupervisorClock;
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly confirmMs: number;
  private readonly backConfirmMs: number;
  private readonly graceMs: number;
  private readonly queue: OperationQueue;
  private readonly policy: RestartPolicy;
  private readonly detector: CrashDetector;
  private readonly store = new DisposableStore();
  private readonly publisher: StatusPublisher;
  private readonly timers: NamedTimers<TimerName>;
  private obs: Observed = { engine: 'unknown', stackSetUp: false };
  private restartScheduled: { attempt: number; at: number } | undefined;
  /** The operation in the queue at its last change (to know which one just ended). */
  private lastOperation: { kind: string; startedAt: number } | undefined;
  /** An operation that ended after the last probe started: shown until a probe sees its result. */
  private settling: { kind: string; startedAt: number } | undefined;
  private lastError: string | undefined;
  /** Container last seen running by polling, to notice exits the events stream missed. */
  private lastRunningId: string | undefined;
  /** The run (id@startedAt) the user stopped; a different run means someone started it again. */
  private stoppedRun: string | undefined;
  /** The current run's failure is already counted (a die event and a failed start agree). */
  private runFailureCounted = false;
  private healthyRun: { key: string; since: number } | undefined;
  private seenRun: string | undefined;
  private appActiveUntil = 0;
  private externalStopSince: number | undefined;
  private resumeAfterEngine = false;
  private refreshing: Promise<GatewayStatusSnapshot> | undefined;
  private refreshAgain: Promise<GatewayStatusSnapshot> | undefined;
  private disposed = false;

  constructor(private readonly opts: SupervisorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.timers = new NamedTimers(this.clock);
    this.log = (opts.logger ?? silentLogger).child({ component: 'supervisor' });
    this.pollMs = opts.pollIntervalMs ?? 5_000;
    this.confirmMs = opts.externalStopConfirmMs ?? 3_000;
    this.backConfirmMs = opts.backConfirmMs ?? 15_000;
    this.graceMs = opts.crashDetector?.intentGraceMs ?? 5_000;
    this.notifications = new GatewayNotifier(opts.notify);
    this.queue = this.store.add(new OperationQueue({ now: () => this.clock.now() }));
    this.policy = new RestartPolicy(opts.restartPolicy);
    this.detector = new CrashDetector(opts.crashDetector);
    this.publisher = this.store.add(
      new StatusPublisher(computeStatus(this.observation()), (err) =>
        this.log.warn('status listener failed', { error: errorMessage(err) }),
      ),
    );
    this.store.add(
      this.queue.onChange(() => {
        const current = this.queue.current();
        // An operation that just ended was observed before it ran: until the next probe, keep
        // showing it, or a finished start would flash "stopped" on the old observation.
        if (!current && this.lastOperation) this.settling = this.lastOperation;
        this.lastOperation = current
          ? { kind: current.kind, startedAt: current.startedAt ?? current.enqueuedAt }
          : undefined;
        this.publish();
      }),
    );
    try {
      this.store.add(opts.events.subscribe((event) => this.onEvent(event)));
    } catch (err) {
      // Polling still sees every change, one interval later.
      this.log.warn('engine events unavailable', { error: errorMessage(err) });
    }
    this.timers.set('poll', 0, () => void this.refresh());
  }

  status(): GatewayStatusSnapshot {
    return this.publisher.current;
  }

  operations(): OperationQueueState {
    return this.queue.state();
  }

  restartState(): RestartPolicyState {
    return this.policy.state();
  }

  onStatus(listener: (status: GatewayStatusSnapshot) => void): Disposable {
    return this.publisher.subscribe(listener);
  }

  start(): Promise<void> {
    this.userIntent('start');
    return this.runOperation('start', (signal) => this.opts.stack.start(signal), {
      coalesce: true,
    });
  }

  /** Stops the gateway and cancels any start in progress; nothing restarts it until a start. */
  stop(): Promise<void> {
    this.userIntent('stop');
    return this.runOperation('stop', (signal) => this.opts.stack.stop(signal), { coalesce: true });
  }

  restart(): Promise<void> {
    this.userIntent('start');
    return this.runOperation('restart', (signal) => this.opts.stack.restart(signal), {
      coalesce: true,
      stopsGateway: true,
    });
  }

  /** Runs the caller's rebuild (build image + recreate) as a queued operation. */
  rebuild(run: OperationRun<void>): Promise<void> {
    this.userIntent('start');
    return this.runOperation('rebuild', run, { stopsGateway: true });
  }

  cancelOperation(): boolean {
    return this.queue.cancelCurrent();
  }

  /**
   * Any other stack operation (apply settings, upgrade, setup) through the same queue, so it never
   * races a start, and with the container's stops attributed to the app.
   */
  async runOperation<T>(
    kind: string,
    run: OperationRun<T>,
    options: RunOperationOptions = {},
  ): Promise<T> {
    if (this.disposed) throw cancelledError(`The ${kind} operation`);
    const stops = options.stopsGateway ?? !STARTING_OPERATION_KINDS.has(kind);
    const wrapped = async (signal: AbortSignal): Promise<T> => {
      this.appActiveUntil = Number.POSITIVE_INFINITY;
      this.lastRunningId = undefined;
      if (STARTING_OPERATION_KINDS.has(kind)) this.runFailureCounted = false;
      if (stops) this.detector.expectStop(this.clock.now());
      try {
        return await run(signal);
      } finally {
        const now = this.clock.now();
        if (stops) this.detector.releaseStopExpectations(now);
        this.appActiveUntil = now + this.graceMs;
        this.lastRunningId = undefined;
      }
    };
    try {
      const result = await this.queue.enqueue(kind, wrapped, {
        coalesce: options.coalesce ?? false,
      });
      this.lastError = undefined;
      return result;
    } catch (err) {
      if (!isOpenClawError(err, ErrorCode.CANCELLED))
        this.lastError = `${kind} failed: ${errorMessage(err)}`;
      throw err;
    } finally {
      if (!this.disposed) await this.refresh();
    }
  }

  /** Probe everything now. Concurrent calls share one probe (plus at most one follow-up). */
  refresh(): Promise<GatewayStatusSnapshot> {
    if (this.disposed) return Promise.resolve(this.publisher.current);
    if (this.refreshing) {
      this.refreshAgain ??= this.refreshing.then(() => {
        this.refreshAgain = undefined;
        return this.refresh();
      });
      return this.refreshAgain;
    }
    const run = this.probeAll().finally(() => {
      this.refreshing = undefined;
    });
    this.refreshing = run;
    return run;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timers.dispose();
    this.store.dispose();
  }

  private userIntent(kind: 'start' | 'stop'): void {
    this.timers.clear('restart');
    this.restartScheduled = undefined;
    this.externalStopSince = undefined;
    this.notifications.userActed();
    if (kind === 'start') {
      this.policy.noteUserStart();
      this.stoppedRun = undefined;
    } else {
      this.policy.noteUserStop();
      this.stoppedRun = runKey(this.obs.container);
      this.resumeAfterEngine = false;
      this.queue.cancel((info) => STARTING_OPERATION_KINDS.has(info.kind));
    }
    this.publish();
  }

  private async probeAll(): Promise<GatewayStatusSnapshot> {
    const settling = this.settling;
    const seen = await observeGateway(this.opts);
    if (this.disposed) return this.publisher.current;
    if (this.settling === settling) this.settling = undefined;
    if (seen.engine === 'ready') {
      const cameBack = this.obs.engine !== 'ready';
      this.obs = seen;
      this.afterObservation(cameBack);
    } else {
      if (seen.error) this.log.warn('engine unusable', { error: seen.error });
      this.engineLost(seen.engine);
    }
    this.publish();
    this.timers.set('poll', this.pollMs, () => void this.refresh());
    return this.publisher.current;
  }

  private engineLost(engine: EngineState): void {
    if (
      this.obs.engine === 'ready' &&
      this.obs.container?.state === 'running' &&
      !this.policy.userStopped
    ) {
      this.resumeAfterEngine = true;
    }
    // Its containers went down with it: neither a crash nor a user stop.
    this.obs = { engine, stackSetUp: this.obs.stackSetUp };
    this.lastRunningId = undefined;
    this.externalStopSince = undefined;
    this.healthyRun = undefined;
    this.policy.noteNotRunning();
  }

  private afterObservation(engineCameBack: boolean): void {
    const now = this.clock.now();
    const container = this.obs.container;
    const key = runKey(container);
    const busy = this.queue.current() !== undefined || this.queue.state().pending.length > 0;

    // Fallback for exits the events stream missed (reconnecting, dropped).
    if (this.lastRunningId && !busy && !(key && container?.id === this.lastRunningId)) {
      const same = container?.id === this.lastRunningId ? container : undefined;
      this.handleVerdicts(this.detector.observeExit(this.lastRunningId, same?.exitCode, now));
      this.scheduleFlush();
    }
    this.lastRunningId = key && !busy ? container?.id : undefined;

    if (key && container) {
      this.detector.observeRunning(container.id);
      if (this.seenRun !== key) {
        // A run the events stream may not have announced: its failure is a new one.
        this.seenRun = key;
        this.runFailureCounted = false;
      }
      if (this.policy.userStopped && !busy && key !== this.stoppedRun) {
        // Started again outside the app (terminal, compose): crash repair is armed again.
        this.policy.noteUserStart();
        this.stoppedRun = undefined;
      }
      const healthy =
        container.health !== 'unhealthy' &&
        container.health !== 'starting' &&
        this.obs.httpReady !== false;
      if (healthy) {
        if (this.healthyRun?.key !== key) this.healthyRun = { key, since: now };
        this.policy.noteRunning(this.healthyRun.since);
        if (this.policy.checkStable(now)) {
          this.log.info('gateway stable again; crash counters reset');
          this.notifications.episodeOver();
        }
        // Announce "back" only once it has stayed up a little: one that dies again right after
        // becoming ready is not back.
        if (now - this.healthyRun.since >= this.backConfirmMs) this.notifications.running();
        if (this.restartScheduled && !busy) {
          // The engine's own restart policy brought it back first.
          this.timers.clear('restart');
          this.restartScheduled = undefined;
        }
      }
      this.externalStopSince = undefined;
    } else {
      this.healthyRun = undefined;
      this.policy.noteNotRunning();
      if (this.externalStopSince !== undefined && now - this.externalStopSince >= this.confirmMs) {
        this.externalStopSince = undefined;
        this.policy.noteUserStop();
        this.stoppedRun = undefined;
        this.timers.clear('restart');
        this.restartScheduled = undefined;
        this.notifications.stoppedExternally();
      }
      if (engineCameBack && this.resumeAfterEngine && this.obs.stackSetUp && !busy) {
        this.resumeAfterEngine = false;
        if (!this.policy.userStopped && !this.policy.failed) {
          this.runOperation('resume', (signal) => this.opts.stack.start(signal), {
            coalesce: true,
          }).catch((err: unknown) =>
            this.log.warn('resume after engine restart failed', { error: errorMessage(err) }),
          );
        }
      }
    }
    if (engineCameBack && key) this.resumeAfterEngine = false;
  }

  private onEvent(event: GatewayEvent): void {
    if (this.disposed) return;
    if (event.action === 'start') this.runFailureCounted = false;
    this.handleVerdicts(this.detector.observe(event, this.clock.now()));
    this.scheduleFlush();
    void this.refresh();
  }

  private handleVerdicts(verdicts: ExitVerdict[]): void {
    for (const verdict of verdicts) this.onVerdict(verdict);
  }

  private onVerdict(v: ExitVerdict): void {
    const now = this.clock.now();
    this.log.info('gateway exit', { ...v });
    if (v.kind === 'deliberate') {
      // Our own operation (compose recreate during start/apply) or a restart: nothing to report.
      if (
        v.by === 'external' &&
        !v.restarted &&
        now > this.appActiveUntil &&
        !this.policy.userStopped
      ) {
        // Confirm it stays down: `compose up` from a terminal recreates with a new container.
        this.externalStopSince = now;
        this.timers.set('confirm', this.confirmMs, () => void this.refresh());
      }
      void this.refresh();
      return;
    }
    // After a user stop the policy ignores it: a stop the user asked for is never repaired.
    this.countCrash(v.description, v.cause === 'oom');
  }

  private countCrash(description: string, oom: boolean): void {
    if (this.runFailureCounted) return;
    this.runFailureCounted = true;
    const decision = this.policy.onCrash(this.clock.now(), description);
    if (decision.action === 'restart') {
      // Attempt 1 opens a new episode even if no poll saw the stable run that ended the last one.
      if (decision.attempt === 1) this.notifications.episodeOver();
      this.notifications.crashed({ attempt: decision.attempt, description, oom });
      this.scheduleRestart(decision.delayMs, decision.attempt);
    } else if (decision.action === 'give-up') {
      this.timers.clear('restart');
      this.restartScheduled = undefined;
      this.log.warn('gateway keeps crashing; giving up', { reason: decision.reason });
      this.notifications.failed({ crashes: decision.crashes, reason: decision.reason });
    }
    this.publish();
    void this.refresh();
  }

  private scheduleRestart(delayMs: number, attempt: number): void {
    this.restartScheduled = { attempt, at: this.clock.now() + delayMs };
    this.timers.set('restart', delayMs, () => this.crashRestart());
  }

  private crashRestart(): void {
    this.runOperation(
      'crash-restart',
      async (signal) => {
        this.restartScheduled = undefined;
        if (this.policy.userStopped || this.policy.failed) return;
        if (
          (await this.safe(() => this.opts.engine.probe(), 'unresponsive' as EngineState)) !==
          'ready'
        ) {
          this.resumeAfterEngine = true;
          return;
        }
        const current = await this.opts.stack.inspectGateway();
        if (current?.state === 'running' || current?.state === 'restarting') return;
        await this.opts.stack.start(signal);
      },
      { coalesce: true },
    ).catch((err: unknown) => {
      if (isOpenClawError(err, ErrorCode.CANCELLED) || this.disposed) return;
      // A start that fails counts like a crash — once, even if its die event also arrives.
      if (!this.policy.userStopped) this.countCrash(`could not start: ${errorMessage(err)}`, false);
    });
  }

  private scheduleFlush(): void {
    const deadline = this.detector.nextDeadline();
    if (deadline === undefined) {
      this.timers.clear('flush');
      return;
    }
    this.timers.set('flush', Math.max(0, deadline - this.clock.now()), () => {
      this.handleVerdicts(this.detector.flush(this.clock.now()));
      this.scheduleFlush();
    });
  }

  private observation(): StatusObservation {
    const running = this.queue.current();
    const current = running
      ? { kind: running.kind, startedAt: running.startedAt ?? running.enqueuedAt }
      : this.settling;
    const c = this.obs.container;
    const port = typeof this.opts.port === 'function' ? this.opts.port() : this.opts.port;
    return {
      now: this.clock.now(),
      port,
      engine: this.obs.engine,
      stackSetUp: this.obs.stackSetUp,
      ...(c
        ? {
            container: {
              state: c.state,
              health: c.health,
              ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}),
              ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
            },
          }
        : {}),
      ...(this.obs.httpReady !== undefined ? { httpReady: this.obs.httpReady } : {}),
      operator: this.safeSync(() => this.opts.operator.state(), 'disconnected' as OperatorState),
      pendingApprovals: this.safeSync(() => this.opts.operator.pendingCount(), 0),
      userStopped: this.policy.userStopped,
      ...(this.policy.failed ? { failed: this.policy.failed } : {}),
      ...(current ? { operation: current } : {}),
      ...(this.restartScheduled ? { restartScheduled: this.restartScheduled } : {}),
      ...(this.detector.hasPendingExit() ? { exitPending: true } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.opts.startGraceMs !== undefined ? { startGraceMs: this.opts.startGraceMs } : {}),
    };
  }

  private publish(): void {
    if (!this.disposed) this.publisher.publish(computeStatus(this.observation()));
  }

  private async safe<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.log.debug('probe failed', { error: errorMessage(err) });
      return fallback;
    }
  }

  private safeSync<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }
}
