/** Thin typed wrapper over node:util parseArgs with one-line errors the CLI can print. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCode, OpenClawError } from '../infra/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${(err as Error).message}\nUsage: ${usage}`,
      { exitCode: 2 },
    );
  }
}

export function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${flag} must be a port number between 1 and 65535 (got "${value}")`,
      {
        exitCode: 2,
      },
    );
  }
  return port;
}

export function parseDurationMs(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const match = /^(\d+)(ms|s)?$/.exec(value.trim());
  if (!match) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${flag} takes milliseconds (e.g. 5000 or 5s), got "${value}"`,
      {
        exitCode: 2,
      },
    );
  }
  return match[2] === 's' ? Number(match[1]) * 1000 : Number(match[1]);
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `${flag} must be one of ${allowed.join(', ')} (got "${value}")`,
    {
      exitCode: 2,
    },
  );
}

/** What commands print: human text by default, one JSON document with --json. */
export interface Output {
  json: boolean;
  print(text: string): void;
  result(value: unknown, human: () => string): void;
}

export function createOutput(
  json: boolean,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Output {
  return {
    json,
    print: (text) => write(`${text}\n`),
    result: (value, human) => write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`),
  };
}
