import { describe, expect, it } from 'vitest';
import { ToolLoopGuard } from './tool-loop-guard.js';

const call = (name: string, args: Record<string, unknown>) => ({
  toolCall: { type: 'toolCall' as const, id: 'c', name, arguments: args },
  args,
});

describe('ToolLoopGuard', () => {
  it('blocks the same failing call after the limit, with a reason the model can act on', () => {
    const guard = new ToolLoopGuard({ sameFailure: 2, sameCall: 100 });
    for (let i = 0; i < 2; i += 1) {
      expect(guard.before(call('read', { path: 'x' }))).toBeUndefined();
      guard.after({ ...call('read', { path: 'x' }), isError: true });
    }
    const blocked = guard.before(call('read', { path: 'x' }));
    expect(blocked).toMatchObject({ block: true });
    expect(blocked?.reason).toMatch(/already failed 2 times/);
    // Other arguments (key order does not matter for sameness) are still allowed.
    expect(guard.before(call('read', { path: 'y' }))).toBeUndefined();
  });

  it('treats argument key order as the same call and forgets failures after a success', () => {
    const guard = new ToolLoopGuard({ sameFailure: 1, sameCall: 100 });
    guard.before(call('write', { path: 'a', content: 'b' }));
    guard.after({ ...call('write', { path: 'a', content: 'b' }), isError: true });
    expect(guard.before(call('write', { content: 'b', path: 'a' }))).toMatchObject({ block: true });
    const other = new ToolLoopGuard({ sameFailure: 1, sameCall: 100 });
    other.after({ ...call('ls', {}), isError: true });
    other.after({ ...call('ls', {}), isError: false });
    expect(other.before(call('ls', {}))).toBeUndefined();
  });

  it('blocks an identical call repeated past the per-run limit even when it succeeds', () => {
    const guard = new ToolLoopGuard({ sameFailure: 100, sameCall: 3 });
    for (let i = 0; i < 3; i += 1) {
      expect(guard.before(call('ls', { path: '.' }))).toBeUndefined();
      guard.after({ ...call('ls', { path: '.' }), isError: false });
    }
    expect(guard.before(call('ls', { path: '.' }))?.reason).toMatch(/already ran 3 times/);
  });
});
