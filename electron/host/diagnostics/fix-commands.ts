/**
 * Terminal commands shown as fixes. They address the stack by its compose file and project name,
 * so they work from any folder; arguments are double-quoted with single quotes inside, which
 * bash, zsh, PowerShell and cmd all pass through unchanged.
 */
import path from 'node:path';
import { COMPOSE_FILE } from '../../../docker/stack/index.js';
import { CLI_SERVICE, GATEWAY_SERVICE, type DiagnosticsContext } from './context.js';

type Ctx = Pick<DiagnosticsContext, 'settings' | 'projectName' | 'compose'>;

function composePrefix(ctx: Ctx): string {
  const bin = ctx.compose ? ctx.compose.command.join(' ') : 'docker compose';
  const file = path.join(ctx.settings.stackDir, COMPOSE_FILE);
  return `${bin} -p ${ctx.projectName} -f "${file}"`;
}

/** `… run --rm openclaw-cli <args>` */
export function cliCommand(ctx: Ctx, args: string): string {
  return `${composePrefix(ctx)} run --rm ${CLI_SERVICE} ${args}`;
}

/** `… up -d openclaw-gateway` (recreates the container when its definition changed). */
export function upCommand(ctx: Ctx): string {
  return `${composePrefix(ctx)} up -d ${GATEWAY_SERVICE}`;
}

/** `… logs --tail 100 openclaw-gateway` */
export function logsCommand(ctx: Ctx): string {
  return `${composePrefix(ctx)} logs --tail 100 ${GATEWAY_SERVICE}`;
}

/** A JSON value as JSON5 with single-quoted strings, for inside a double-quoted argument. */
export function json5Argument(value: unknown): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
    if (v && typeof v === 'object')
      return `{${Object.entries(v)
        .map(([k, x]) => `${k}:${render(x)}`)
        .join(',')}}`;
    return JSON.stringify(v);
  };
  return `"${render(value)}"`;
}
