/**
 * Terminal commands shown as fixes, through the same formatter as every other pasteable command
 * (docker/stack/terminal-command.ts): `cd` into the stack folder, the detected compose CLI, the
 * files the app uses (docker/stack's one list: the extra file and the sandbox overlay too, or
 * `up` would recreate the gateway without them) and the project when it is not the default;
 * quoted for this OS's shell.
 */
import {
  composeFilesSync,
  composeTerminalCommand,
  terminalShellFor,
  type ComposeInvocation,
} from '../../../docker/stack/index.js';
import { CLI_SERVICE, GATEWAY_SERVICE, type DiagnosticsContext } from './context.js';

type Ctx = Pick<DiagnosticsContext, 'settings' | 'projectName' | 'compose' | 'platform'>;

function invocation(ctx: Ctx): ComposeInvocation {
  return {
    command: ctx.compose ? ctx.compose.command : ['docker', 'compose'],
    stackDir: ctx.settings.stackDir,
    files: composeFilesSync(ctx.settings.stackDir),
    projectName: ctx.projectName,
  };
}

function command(ctx: Ctx, args: readonly string[]): string {
  return composeTerminalCommand(invocation(ctx), args, terminalShellFor(ctx.platform));
}

/** `… run --rm openclaw-cli <args>` */
export function cliCommand(ctx: Ctx, args: readonly string[]): string {
  return command(ctx, ['run', '--rm', CLI_SERVICE, ...args]);
}

/** `… up -d openclaw-gateway` (recreates the container when its definition changed). */
export function upCommand(ctx: Ctx): string {
  return command(ctx, ['up', '-d', GATEWAY_SERVICE]);
}

/** `… logs --tail 100 openclaw-gateway` */
export function logsCommand(ctx: Ctx): string {
  return command(ctx, ['logs', '--tail', '100', GATEWAY_SERVICE]);
}

/**
 * A value for `config set` (which reads JSON5), as one argument before shell quoting. JSON for
 * POSIX shells (it sits inside single quotes untouched); single-quoted JSON5 strings for
 * PowerShell, because Windows PowerShell 5.1 drops double quotes inside native arguments.
 */
export function configValueArgument(ctx: Pick<Ctx, 'platform'>, value: unknown): string {
  if (terminalShellFor(ctx.platform) === 'posix') return JSON.stringify(value);
  const render = (v: unknown): string => {
    if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
    if (v && typeof v === 'object')
      return `{${Object.entries(v)
        .map(([k, x]) => `${k}:${render(x)}`)
        .join(',')}}`;
    return JSON.stringify(v);
  };
  return render(value);
}
