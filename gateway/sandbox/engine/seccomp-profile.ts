/**
 * `docker.seccompProfile` as the engine needs it: undefined for Docker's default profile, else
 * the profile's JSON (inline in the config, or read from an absolute path where sandboxd runs).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';

export async function readSeccompProfile(profile: string | undefined): Promise<string | undefined> {
  const value = profile?.trim();
  if (!value || value === 'default' || value === 'builtin') return undefined;
  if (value.startsWith('{')) return value;
  if (!path.isAbsolute(value))
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Sandbox refused: seccompProfile "${value}" is neither "default", inline JSON nor an absolute path to a profile file.`,
      { details: { rule: 'seccomp-invalid' } },
    );
  try {
    const text = await fs.readFile(value, 'utf8');
    JSON.parse(text);
    return text;
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Sandbox refused: cannot read the seccomp profile "${value}" as JSON. Check the file exists where sandboxd runs.`,
      { cause: err, details: { rule: 'seccomp-invalid' } },
    );
  }
}
