/** Plain-language names of the setup phases (docker/setup/run-setup.ts emits them in this order). */
export const SETUP_PHASES: ReadonlyArray<{ phase: string; label: string }> = [
  { phase: 'validate', label: 'Check the settings' },
  { phase: 'engine', label: 'Connect to Docker' },
  { phase: 'image', label: 'Build the image' },
  { phase: 'files', label: 'Write the stack files' },
  { phase: 'permissions', label: 'Prepare folder permissions' },
  { phase: 'start', label: 'Start the gateway' },
  { phase: 'onboard', label: 'Write the gateway config' },
  { phase: 'health', label: 'Wait until it is healthy' },
  { phase: 'done', label: 'Ready' },
];

/** Turning the agent sandbox on: the image first, then setup adds sandboxd (host sandbox-switch.ts). */
export const SANDBOX_ON_PHASES: ReadonlyArray<{ phase: string; label: string }> = [
  { phase: 'sandbox-check', label: 'Check Docker and the image' },
  { phase: 'sandbox-image', label: 'Build the sandbox image' },
  { phase: 'sandbox-config', label: 'Configure the sandbox image' },
  { phase: 'validate', label: 'Check the stack settings' },
  { phase: 'engine', label: 'Connect to Docker' },
  { phase: 'image', label: 'Check the gateway image' },
  { phase: 'files', label: 'Add sandboxd to the stack files' },
  { phase: 'permissions', label: 'Prepare folder permissions' },
  { phase: 'start', label: 'Start sandboxd and the gateway' },
  { phase: 'onboard', label: 'Write the sandbox policy' },
  { phase: 'health', label: 'Wait until the gateway is healthy' },
  { phase: 'sandbox-restart', label: 'Restart sandboxd' },
  { phase: 'done', label: 'Sandbox on' },
];

export const SANDBOX_OFF_PHASES: ReadonlyArray<{ phase: string; label: string }> = [
  { phase: 'sandbox-check', label: 'Check Docker' },
  { phase: 'validate', label: 'Check the stack settings' },
  { phase: 'engine', label: 'Connect to Docker' },
  { phase: 'image', label: 'Check the gateway image' },
  { phase: 'files', label: 'Remove sandboxd from the stack files' },
  { phase: 'permissions', label: 'Prepare folder permissions' },
  { phase: 'start', label: 'Restart the gateway without sandboxd' },
  { phase: 'onboard', label: 'Turn the sandbox off in the config' },
  { phase: 'health', label: 'Wait until the gateway is healthy' },
  { phase: 'done', label: 'Sandbox off' },
];

const KNOWN_PHASES: Record<string, ReadonlyArray<{ phase: string; label: string }>> = {
  setup: SETUP_PHASES,
  apply: SETUP_PHASES,
  sandbox: SANDBOX_ON_PHASES,
  'sandbox-off': SANDBOX_OFF_PHASES,
};

/** Phases whose build steps the progress shows (the gateway image, the sandbox image). */
export function isBuildPhase(phase: string): boolean {
  return phase === 'image' || phase === 'sandbox-image';
}

export type PhaseState = 'pending' | 'active' | 'done' | 'failed';

export interface PhaseRow {
  phase: string;
  label: string;
  detail?: string;
  state: PhaseState;
}

/**
 * The phase list to draw: the known setup phases (for setup/apply) merged with whatever the host
 * reported, each with its state. Pure, so it is tested without rendering.
 */
export function phaseRows(
  kind: string,
  seen: ReadonlyArray<{ phase: string; message: string }>,
  outcome: { done: boolean; error?: string },
): PhaseRow[] {
  const known = KNOWN_PHASES[kind] ?? [];
  const rows: PhaseRow[] = known.map((k) => ({ phase: k.phase, label: k.label, state: 'pending' }));
  for (const s of seen) {
    if (!rows.some((r) => r.phase === s.phase))
      rows.push({ phase: s.phase, label: s.message, state: 'pending' });
  }
  const seenSet = new Set(seen.map((s) => s.phase));
  const last = seen[seen.length - 1]?.phase;
  // Phases the host skipped (no packages → no image build on a re-run) count as done once a
  // later phase started.
  const lastIndex = rows.findIndex((r) => r.phase === last);
  return rows.map((r, i) => {
    const detail = seen.find((s) => s.phase === r.phase)?.message;
    let state: PhaseState = 'pending';
    if (outcome.done && !outcome.error) state = 'done';
    else if (r.phase === last) state = outcome.error ? 'failed' : outcome.done ? 'done' : 'active';
    else if (seenSet.has(r.phase) || i < lastIndex) state = 'done';
    return { ...r, state, ...(detail && detail !== r.label ? { detail } : {}) };
  });
}
