/**
 * Tells a crash from a deliberate stop, from the order of the engine's container events.
 *
 * What the engine emits (moby):
 * - `docker stop` / `compose stop|down|up --force-recreate`: kill (signal 15) → die → stop
 * - `docker restart`:                                         kill → die → stop → start → restart
 * - `docker kill`:                                            kill (signal 9) → die
 * - out of memory:                                            oom → die
 * - the process exits on its own:                             die
 * - engine restart policy after a crash:                      die → start
 * Note the `stop` event comes *after* `die`, so a die is classified only after a short settle
 * window (or at once when a `start` or our own intent decides it).
 *
 * The rule (one, documented, consistent):
 * 1. A die while the app expects a stop (`expectStop`: it is running stop/restart/rebuild) is
 *    deliberate, by the app.
 * 2. A die with a `stop` event for the same container within the correlation window (before or
 *    after) is deliberate, from outside the app (terminal, compose) — a user act, never repaired.
 * 3. Anything else is a crash: a plain die, an `oom`, and a `kill` that was not ours. `docker kill`
 *    from a terminal therefore counts as a crash: nothing distinguishes it from the kernel's OOM
 *    killer or a watchdog, and restarting a killed gateway is the safe side.
 * 4. A die synthesised from polling (the events stream was down) has no ordering to go by: exit
 *    code 0 / 143 (SIGTERM) or a vanished container is deliberate, any other exit code a crash.
 */

export type GatewayEventAction =
  | 'kill'
  | 'stop'
  | 'die'
  | 'start'
  | 'restart'
  | 'oom'
  | 'health_status: unhealthy'
  | 'health_status: healthy';

export interface GatewayEvent {
  action: GatewayEventAction;
  containerId: string;
  /** Engine clock, epoch ms; only compared with other events' timestamps. */
  ts: number;
  exitCode?: number;
  /** For `kill`: the signal ("15", "SIGKILL"…), as the engine reports it. */
  signal?: string;
}

export type CrashCause = 'oom' | 'killed' | 'exited';

export type ExitVerdict =
  | {
      kind: 'crash';
      containerId: string;
      exitCode?: number;
      cause: CrashCause;
      /** Human words: "ran out of memory", "exited with code 1", "was killed (signal 9)". */
      description: string;
      /** The engine's own restart policy started it again within the settle window. */
      restartedByEngine: boolean;
    }
  | {
      kind: 'deliberate';
      containerId: string;
      exitCode?: number;
      by: 'app' | 'external';
      /** Started again right away (`docker restart`): not a stop the user needs to hear about. */
      restarted: boolean;
    };

export interface CrashDetectorOptions {
  /** How long a die waits for its trailing `stop`/`start` events. */
  settleMs?: number;
  /** Events this close (engine clock) to a die belong to it. */
  correlationWindowMs?: number;
  /** After the app's operation ends, its stop intent still covers late events this long. */
  intentGraceMs?: number;
  /** Upper bound of an intent whose operation never reports back. */
  intentTtlMs?: number;
}

interface Recorded {
  event: GatewayEvent;
  at: number;
}

interface PendingDie {
  containerId: string;
  exitCode?: number;
  ts: number;
  arrivedAt: number;
  synthetic: boolean;
  deadline: number;
  started: boolean;
}

interface Intent {
  containerId?: string;
  /** When the app announced it (a container started after this is not one it meant to stop). */
  since: number;
  until: number;
  /** The operation ended: only late events of the containers it meant to stop are covered. */
  released?: boolean;
}

const GRACEFUL_EXIT_CODES = new Set([0, 143]);

export class CrashDetector {
  private readonly settleMs: number;
  private readonly windowMs: number;
  private readonly graceMs: number;
  private readonly ttlMs: number;
  private readonly recent: Recorded[] = [];
  private readonly pending = new Map<string, PendingDie>();
  /** Containers whose current run already ended in a classified die (dedupes poll + event). */
  private readonly ended = new Set<string>();
  private intents: Intent[] = [];
  /** Local time of each container's last `start` event. */
  private readonly lastStart = new Map<string, number>();

  constructor(options: CrashDetectorOptions = {}) {
    this.settleMs = options.settleMs ?? 1_500;
    this.windowMs = options.correlationWindowMs ?? 10_000;
    this.graceMs = options.intentGraceMs ?? 5_000;
    this.ttlMs = options.intentTtlMs ?? 10 * 60_000;
  }

  /** The app is about to stop/recreate the gateway (any container when `containerId` is omitted). */
  expectStop(now: number, containerId?: string): void {
    this.intents.push({
      ...(containerId ? { containerId } : {}),
      since: now,
      until: now + this.ttlMs,
    });
  }

  /** The app's operation ended: its intents only cover late events for a short grace period. */
  releaseStopExpectations(now: number): void {
    const until = now + this.graceMs;
    this.intents = this.intents.map((i) => ({
      ...i,
      until: Math.min(i.until, until),
      released: true,
    }));
  }

  /** Feed one engine event; returns the verdicts it settles right away. */
  observe(event: GatewayEvent, now: number): ExitVerdict[] {
    this.prune(now);
    this.recent.push({ event, at: now });
    const id = event.containerId;
    switch (event.action) {
      case 'die':
        return this.onDie(id, event.exitCode, event.ts, now, false);
      case 'start': {
        // A new run: its own die will be a new incident.
        this.ended.delete(id);
        this.lastStart.set(id, now);
        const die = this.pending.get(id);
        if (!die) return [];
        die.started = true;
        // `start` is the last event of a restart sequence: nothing more to wait for.
        return [this.decide(die)];
      }
      default:
        return [];
    }
  }

  /**
   * Polling saw the container's run end (or the container vanish) without a die event: the events
   * stream may have been down. Ignored when an event already covered this run.
   */
  observeExit(containerId: string, exitCode: number | undefined, now: number): ExitVerdict[] {
    this.prune(now);
    return this.onDie(containerId, exitCode, now, now, true);
  }

  /**
   * Polling saw the container running: a new run even if its `start` event was lost, so a later
   * exit is a new incident.
   */
  observeRunning(containerId: string): void {
    if (!this.pending.has(containerId)) this.ended.delete(containerId);
  }

  /** Verdicts whose settle window has passed by `now`. */
  flush(now: number): ExitVerdict[] {
    const out: ExitVerdict[] = [];
    for (const die of [...this.pending.values()]) {
      if (die.deadline <= now) out.push(this.decide(die));
    }
    this.prune(now);
    return out;
  }

  /** A die is waiting for its settle window: crash or stop is not decided yet. */
  hasPendingExit(): boolean {
    return this.pending.size > 0;
  }

  /** When the next pending die settles (local clock), for the caller's timer. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const die of this.pending.values()) {
      if (next === undefined || die.deadline < next) next = die.deadline;
    }
    return next;
  }

  private onDie(
    containerId: string,
    exitCode: number | undefined,
    ts: number,
    now: number,
    synthetic: boolean,
  ): ExitVerdict[] {
    const existing = this.pending.get(containerId);
    if (synthetic && (existing || this.ended.has(containerId))) return [];
    if (!synthetic && existing && !existing.synthetic) return [];
    if (!synthetic && !existing && this.ended.has(containerId)) return [];

    if (this.intentCovers(containerId, now)) {
      this.pending.delete(containerId);
      this.ended.add(containerId);
      return [
        {
          kind: 'deliberate',
          containerId,
          ...(exitCode !== undefined ? { exitCode } : {}),
          by: 'app',
          restarted: false,
        },
      ];
    }
    // A real die replaces a synthetic one that is still settling: it carries the real ordering.
    this.pending.set(containerId, {
      containerId,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ts,
      arrivedAt: now,
      synthetic,
      deadline: now + this.settleMs,
      started: existing?.started ?? false,
    });
    return [];
  }

  private decide(die: PendingDie): ExitVerdict {
    this.pending.delete(die.containerId);
    this.ended.add(die.containerId);
    const exit = die.exitCode !== undefined ? { exitCode: die.exitCode } : {};
    // A synthetic die has only a local time: compare arrival times then, engine times otherwise
    // (the two clocks can differ, e.g. an engine in a VM).
    const timeOf = (r: Recorded): number => (die.synthetic ? r.at : r.event.ts);
    const dieTime = die.synthetic ? die.arrivedAt : die.ts;
    const related = this.recent.filter(
      (r) =>
        r.event.containerId === die.containerId && Math.abs(timeOf(r) - dieTime) <= this.windowMs,
    );
    const stopped = related.some((r) => r.event.action === 'stop');
    if (stopped) {
      return {
        kind: 'deliberate',
        containerId: die.containerId,
        ...exit,
        by: 'external',
        restarted: die.started,
      };
    }
    if (die.synthetic && (die.exitCode === undefined || GRACEFUL_EXIT_CODES.has(die.exitCode))) {
      return {
        kind: 'deliberate',
        containerId: die.containerId,
        ...exit,
        by: 'external',
        restarted: false,
      };
    }
    const before = related.filter((r) => timeOf(r) <= dieTime);
    const oom = before.some((r) => r.event.action === 'oom');
    const kill = [...before].reverse().find((r) => r.event.action === 'kill');
    let cause: CrashCause;
    let description: string;
    if (oom) {
      cause = 'oom';
      description = 'ran out of memory';
    } else if (kill) {
      cause = 'killed';
      description = kill.event.signal ? `was killed (signal ${kill.event.signal})` : 'was killed';
    } else {
      cause = 'exited';
      description =
        die.exitCode !== undefined ? `exited with code ${die.exitCode}` : 'exited unexpectedly';
    }
    return {
      kind: 'crash',
      containerId: die.containerId,
      ...exit,
      cause,
      description,
      restartedByEngine: die.started,
    };
  }

  /**
   * Whether the app meant to stop this container. While the operation runs, any gateway container
   * (it may recreate several). After it, in the grace period for late events, a container that
   * started after the intent was announced is the one the operation brought up: its death is not
   * part of the operation — a gateway that crashes right after an apply must still be repaired.
   */
  private intentCovers(containerId: string, now: number): boolean {
    const started = this.lastStart.get(containerId);
    return this.intents.some(
      (i) =>
        i.until >= now &&
        (i.containerId === undefined || i.containerId === containerId) &&
        (!i.released || started === undefined || started <= i.since),
    );
  }

  private prune(now: number): void {
    this.intents = this.intents.filter((i) => i.until >= now);
    // Keep events long enough to correlate with any die still settling.
    const keepAfter = now - this.windowMs - this.settleMs;
    let drop = 0;
    while (drop < this.recent.length && (this.recent[drop]?.at ?? now) < keepAfter) drop++;
    if (drop > 0) this.recent.splice(0, drop);
    // `ended` only needs the ids the engine may still talk about; bound it.
    if (this.ended.size > 64) {
      const keep = [...this.ended].slice(-32);
      this.ended.clear();
      for (const id of keep) this.ended.add(id);
    }
  }
}
