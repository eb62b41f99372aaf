/** `openclaw config get|set|unset <path> [value]` on the local config file (validated, atomic). */
import JSON5 from 'json5';
import {
  getConfigValue,
  loadConfigSnapshot,
  setConfigValue,
  unsetConfigValue,
} from '../../config/config-store.js';
import { redactConfigForClient } from '../../config/config-redact.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs } from '../args.js';

const USAGE =
  'openclaw config get [<path>] [--json] [--show-secrets] | set <path> <value> [--strict-json] | unset <path>';

function parseValue(raw: string, strict: boolean): unknown {
  try {
    return strict ? JSON.parse(raw) : JSON5.parse(raw);
  } catch (err) {
    if (strict)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `--strict-json: ${(err as Error).message}`,
        { exitCode: 2 },
      );
    return raw; // a bare word is a string: `config set gateway.mode local`
  }
}

export async function config(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseCommandArgs(
    rest,
    {
      json: { type: 'boolean' },
      'strict-json': { type: 'boolean' },
      'show-secrets': { type: 'boolean' },
    },
    USAGE,
  );
  const out = createOutput(values.json === true);
  switch (sub) {
    case 'get': {
      const snapshot = await loadConfigSnapshot(paths, env);
      const doc = values['show-secrets'] ? snapshot.parsed : redactConfigForClient(snapshot.parsed);
      const value = positionals[0] ? getConfigValue(doc, positionals[0]) : doc;
      if (value === undefined) {
        out.result(
          { path: positionals[0], value: null, set: false },
          () => `${positionals[0]} is not set`,
        );
        return 1;
      }
      out.result(value, () => (typeof value === 'string' ? value : JSON.stringify(value, null, 2)));
      return 0;
    }
    case 'set': {
      const [key, raw] = positionals;
      if (!key || raw === undefined)
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `config set needs <path> <value>\n${USAGE}`,
          { exitCode: 2 },
        );
      const snapshot = await setConfigValue(
        paths,
        key,
        parseValue(raw, values['strict-json'] === true),
        { env },
      );
      out.result(
        { ok: true, path: key, hash: snapshot.hash },
        () => `Set ${key} in ${paths.configPath}`,
      );
      return 0;
    }
    case 'unset': {
      const [key] = positionals;
      if (!key)
        throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `config unset needs <path>\n${USAGE}`, {
          exitCode: 2,
        });
      const snapshot = await unsetConfigValue(paths, key, { env });
      out.result(
        { ok: true, path: key, hash: snapshot.hash },
        () => `Unset ${key} in ${paths.configPath}`,
      );
      return 0;
    }
    default:
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `unknown config command "${sub ?? ''}"\nUsage: ${USAGE}`,
        { exitCode: 2 },
      );
  }
}
