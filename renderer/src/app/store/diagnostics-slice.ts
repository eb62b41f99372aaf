/** Diagnostics checks and the support bundle. */
import type { DiagnosticResult } from '../../../../electron/contract/host-api.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export interface SupportBundle {
  file: string;
  entries: string[];
}

export interface DiagnosticsSlice {
  diagnostics: Resource<DiagnosticResult[]>;
  supportBundle: Resource<SupportBundle>;
  runDiagnostics(): Promise<void>;
  createSupportBundle(): Promise<void>;
}

export const createDiagnosticsSlice: AppSlice<DiagnosticsSlice> = (host) => (set, get) => ({
  diagnostics: idleResource(),
  supportBundle: idleResource(),
  runDiagnostics: coalesce(() =>
    loadResource(
      () => get().diagnostics,
      (diagnostics) => set({ diagnostics }),
      () => host.call('diagnostics.run', {}),
    ),
  ),
  async createSupportBundle() {
    if (get().supportBundle.loading) return;
    await loadResource(
      () => get().supportBundle,
      (supportBundle) => set({ supportBundle }),
      () => host.call('diagnostics.supportBundle', {}),
    );
  },
});

/** Counts per status, for the summary line. */
export function summarise(
  results: readonly DiagnosticResult[],
): Record<DiagnosticResult['status'], number> {
  const counts = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}
