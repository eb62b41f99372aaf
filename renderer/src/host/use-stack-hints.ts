/**
 * Host facts the Control UI and app pages show about the stack: where the gateway is reachable
 * from (the published address, which only the host can see) and pasteable terminal commands. Both
 * are null without a host (the Control UI served by the gateway itself) or until the host answers;
 * callers then say what they honestly can.
 */
import { useEffect, useState } from 'react';
import type { StackReachability, TerminalCommand } from '../../../electron/contract/host-api.js';
import { useHost } from './host-context.js';

/** The published address and port; re-read whenever the gateway's phase or port changes. */
export function useReachability(): StackReachability | null {
  const { api } = useHost();
  const [value, setValue] = useState<StackReachability | null>(null);
  useEffect(() => {
    if (!api) {
      setValue(null);
      return;
    }
    let live = true;
    const read = () => {
      api.call('stack.reachability', {}).then(
        (r) => live && setValue(r),
        () => {
          // Keep the last answer: a failed re-read must not turn a known address into "unknown".
        },
      );
    };
    read();
    // A container is created, recreated or removed only across a phase (or port) change.
    let last = '';
    const off = api.on('status', (s) => {
      const key = `${s.phase}:${s.port}:${s.operation?.kind ?? ''}`;
      if (key !== last) read();
      last = key;
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return value;
}

/**
 * `run --rm openclaw-cli <args…>` as the host formats it for its stack (folder, detected compose
 * CLI, files, project, shell quoting); null without a host or while it is asked.
 */
export function useCliCommand(args: readonly string[] | null): TerminalCommand | null {
  const { api } = useHost();
  const key = args ? JSON.stringify(args) : null;
  const [value, setValue] = useState<{ key: string; command: TerminalCommand } | null>(null);
  useEffect(() => {
    if (!api || key === null) return;
    let live = true;
    api.call('stack.cliCommand', { args: JSON.parse(key) as string[] }).then(
      (command) => live && setValue({ key, command }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, key]);
  return value && value.key === key ? value.command : null;
}
