/**
 * The stack settings (folders, mounts, packages, home volume, port) and the two ways to change
 * them: the first-run `setup.run` and, later, `stack.plan` → `stack.apply`. Both stream progress
 * into the operation slice; the host revalidates everything and its message is what we show.
 */
import type {
  ApplyPlan,
  StackProblem,
  StackSettings,
} from '../../../../electron/contract/host-api.js';
import { toHostError } from '../../host/host-error.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export interface StackData {
  settings: StackSettings;
  setUp: boolean;
}

export interface StackSlice {
  stack: Resource<StackData>;
  plan: Resource<ApplyPlan>;
  /** The dashboard URL `setup.run` answered with. */
  setupResult: { dashboardUrl: string } | null;
  loadStack(): Promise<void>;
  planStack(next: StackSettings): Promise<ApplyPlan | undefined>;
  applyStack(next: StackSettings): Promise<boolean>;
  runSetup(next: StackSettings): Promise<boolean>;
  /**
   * The host's check of the settings (the rules Install applies, in plain words per field).
   * Undefined when the host could not be asked: the caller goes on and Install decides.
   */
  checkStack(next: StackSettings): Promise<StackProblem[] | undefined>;
  clearPlan(): void;
}

export const createStackSlice: AppSlice<StackSlice> = (host) => (set, get) => {
  const loadStack = coalesce(() =>
    loadResource(
      () => get().stack,
      (stack) => set({ stack }),
      () => host.call('stack.getSettings', {}),
    ),
  );

  async function runOperation(kind: string, run: () => Promise<unknown>): Promise<boolean> {
    get().beginOperation(kind);
    try {
      await run();
      get().finishOperation();
      return true;
    } catch (err) {
      get().failOperation(toHostError(err));
      return false;
    } finally {
      void loadStack();
      void get().refreshStatus();
    }
  }

  return {
    stack: idleResource(),
    plan: idleResource(),
    setupResult: null,
    loadStack,
    planStack: (next) =>
      loadResource(
        () => get().plan,
        (plan) => set({ plan }),
        () => host.call('stack.plan', next),
      ),
    applyStack: (next) => runOperation('apply', () => host.call('stack.apply', next)),
    runSetup: (next) =>
      runOperation('setup', async () => {
        set({ setupResult: null });
        const result = await host.call('setup.run', next);
        set({ setupResult: result });
      }),
    checkStack: async (next) => {
      try {
        return (await host.call('stack.check', next)).problems;
      } catch {
        return undefined;
      }
    },
    clearPlan: () => set({ plan: idleResource() }),
  };
};
