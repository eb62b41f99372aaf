/**
 * Setup and image-build events as `operation.progress` payloads: one mapping for the stack's
 * setup runs and the sandbox switch, so both show build steps and logs the same way.
 */
import type { BuildProgressEvent } from '../../../docker/engine/index.js';
import type { SetupEvent } from '../../../docker/setup/run-setup.js';

export interface ProgressUpdate {
  phase?: string;
  message?: string;
  step?: { index: number; total: number; label?: string; instruction?: string };
  log?: string;
  done?: boolean;
  error?: string;
}

export function buildEventProgress(event: BuildProgressEvent): ProgressUpdate {
  if (event.kind === 'step')
    return {
      step: { index: event.index, total: event.total, label: event.label, instruction: event.text },
      message: event.label,
    };
  return { log: event.text };
}

export function setupEventProgress(event: SetupEvent): ProgressUpdate {
  if (event.kind === 'phase') return { phase: event.phase, message: event.message };
  if (event.kind === 'build') return buildEventProgress(event.event);
  return { log: event.text };
}
