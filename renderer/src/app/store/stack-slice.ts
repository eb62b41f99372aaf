/**
 * The stack settings (folders, mounts, packages, home volume, port) and the two ways to change
 * them: the first-run `setup.run` and, later, `stack.plan` → `stack.apply`. Both stream progress
 * into the operation slice; the host revalidates everything and its message is what we show.
 * A change that failed stays pending on the host (`stack.change`) until it is retried or
 * discarded; `stack` is always what runs.
 */
import type {
  ApplyPlan,
  StackProblem,
  StackChange,
  StackSettings,
} from '../../../../electron/contract/host-api.js';
import { toHostError } from '../../host/host-error.js';
import { toast } from '../../ui/toast.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export interface StackData {
  settings: StackSettings;
  setUp: boolean;
}

export interface StackSlice {
  stack: Resource<StackData>;
  plan: Resource<ApplyPlan>;
  /** The host's pending change: applied, being applied, or failed (with Retry/Discard). */
  stackChange: Resource<StackChange>;
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
  loadStackChange(): Promise<void>;
  /** Apply the failed change again (its kind decides the operation shown). */
  retryStack(): Promise<boolean>;
  /** Drop the failed change; false (with a toast) when the host refused. */
  discardStack(): Promise<boolean>;
  /** Empty the home volume; `volume` is the name the user typed to confirm. */
  resetHome(volume: string): Promise<boolean>;
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

  const loadStackChange = coalesce(() =>
    loadResource(
      () => get().stackChange,
      (stackChange) => set({ stackChange }),
      () => host.call('stack.change', {}),
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
      void loadStackChange();
      void get().refreshStatus();
    }
  }

  return {
    stack: idleResource(),
    plan: idleResource(),
    stackChange: idleResource(),
    setupResult: null,
    loadStack,
    loadStackChange,
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
    retryStack: () => {
      const change = get().stackChange.data;
      const kind = change && change.state !== 'applied' ? change.kind : 'apply';
      return runOperation(kind, () => host.call('stack.retry', {}));
    },
    async discardStack() {
      try {
        const stackChange = await host.call('stack.discard', {});
        set({ stackChange: { data: stackChange, loading: false, error: undefined } });
        return true;
      } catch (err) {
        toast({
          title: 'The changes were not discarded',
          body: toHostError(err).message,
          tone: 'danger',
        });
        return false;
      } finally {
        void loadStack();
      }
    },
    resetHome: (volume) =>
      runOperation('reset-home', () => host.call('stack.resetHome', { volume })),
    clearPlan: () => set({ plan: idleResource() }),
  };
};
