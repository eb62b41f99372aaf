/**
 * The supervisor's ports: everything it needs from outside (engine, stack, events, operator
 * connection, notifications, time) as small interfaces, so the Electron main and the headless host
 * plug in the real adapters and the tests plug in fakes.
 */
import type { Disposable } from '../../../gateway/infra/disposable.js';
import type { Logger } from '../../../gateway/infra/logger.js';
import type { CrashDetectorOptions, GatewayEvent } from './crash-detector.js';
import type { GatewayNotification } from './notifications.js';
import type { RestartPolicyOptions } from './restart-policy.js';
import type { ContainerObservation, EngineState, OperatorState } from './status-phase.js';

export interface EnginePort {
  probe(): Promise<EngineState>;
}

export interface GatewayContainerInfo extends ContainerObservation {
  id: string;
}

export interface StackPort {
  isSetUp(): Promise<boolean>;
  /** The gateway service container; undefined when there is none. */
  inspectGateway(): Promise<GatewayContainerInfo | undefined>;
  start(signal: AbortSignal): Promise<void>;
  stop(signal: AbortSignal): Promise<void>;
  restart(signal: AbortSignal): Promise<void>;
}

/** Engine events for the gateway container(s) only; the adapter reconnects on its own. */
export interface GatewayEventsPort {
  subscribe(handler: (event: GatewayEvent) => void): Disposable;
}

export interface OperatorPort {
  state(): OperatorState;
  pendingCount(): number;
}

export type TimerHandle = unknown;

export interface SupervisorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SupervisorOptions {
  engine: EnginePort;
  stack: StackPort;
  events: GatewayEventsPort;
  probeReady: () => Promise<boolean>;
  operator: OperatorPort;
  notify: (notification: GatewayNotification) => void;
  clock?: SupervisorClock;
  /** Published gateway port (a function when settings may change it). */
  port: number | (() => number);
  pollIntervalMs?: number;
  /** How long after an outside stop the gateway must stay down before it counts as stopped. */
  externalStopConfirmMs?: number;
  /** How long a recovered gateway must stay healthy before "Gateway is back" is announced. */
  backConfirmMs?: number;
  startGraceMs?: number;
  restartPolicy?: RestartPolicyOptions;
  crashDetector?: CrashDetectorOptions;
  logger?: Logger;
}

export interface RunOperationOptions {
  coalesce?: boolean;
  /** The operation stops or recreates the container (default: every kind that does not bring it up). */
  stopsGateway?: boolean;
}
