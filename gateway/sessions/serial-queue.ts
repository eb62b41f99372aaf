/**
 * In-process serialisation by key: tasks for the same key run one after another, in submission
 * order; other keys run concurrently. The gateway is the only writer of session files, so this
 * replaces lock files (nothing to time out, nothing left behind by a crash).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => task(),
      () => task(),
    );
    // The tail never rejects, so one failed task does not poison the queue.
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves once every task queued so far (for any key) has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
