/**
 * One observation round: engine ping, then (only if the engine answers) whether the stack exists,
 * the gateway container's state and health, and `/readyz` (only if the container runs). Failures
 * become states, never exceptions: a probe that throws means the thing it probes is not usable.
 */
import { errorMessage } from '../../../gateway/infra/errors.js';
import type { EngineState } from './status-phase.js';
import type { GatewayContainerInfo, SupervisorOptions } from './supervisor-ports.js';

export type GatewayObservation =
  | {
      engine: 'ready';
      stackSetUp: boolean;
      container?: GatewayContainerInfo;
      /** `/readyz` result; probed only for a running container. */
      httpReady?: boolean;
    }
  | {
      engine: Exclude<EngineState, 'ready'>;
      /** Why the engine counts as unusable when it answered the ping but not the API. */
      error?: string;
    };

export async function observeGateway(
  ports: Pick<SupervisorOptions, 'engine' | 'stack' | 'probeReady'>,
): Promise<GatewayObservation> {
  let engine: EngineState;
  try {
    engine = await ports.engine.probe();
  } catch (err) {
    return { engine: 'unresponsive', error: errorMessage(err) };
  }
  if (engine !== 'ready') return { engine };
  let stackSetUp: boolean;
  let container: GatewayContainerInfo | undefined;
  try {
    stackSetUp = await ports.stack.isSetUp();
    container = stackSetUp ? await ports.stack.inspectGateway() : undefined;
  } catch (err) {
    // It answered the ping but not the API: as good as unresponsive for this round.
    return { engine: 'unresponsive', error: errorMessage(err) };
  }
  let httpReady: boolean | undefined;
  if (container?.state === 'running') {
    try {
      httpReady = await ports.probeReady();
    } catch {
      httpReady = false;
    }
  }
  return {
    engine,
    stackSetUp,
    ...(container ? { container } : {}),
    ...(httpReady !== undefined ? { httpReady } : {}),
  };
}
