/**
 * `openclaw gateway call <method> [--params <json>]`: one protocol request, the answer printed as
 * JSON. For scripts and for looking at what the gateway holds (`chat.history`, `sessions.list`).
 */
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { parseCommandArgs, parseDurationMs } from '../args.js';
import { REMOTE_OPTIONS, withGateway } from '../remote.js';

const USAGE =
  'openclaw gateway call <method> [--params \'{"key":"value"}\'] [--timeout ms] [--url ws://…] [--token T]';

export async function gatewayCall(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...REMOTE_OPTIONS, params: { type: 'string' } },
    USAGE,
  );
  const [method, extra] = positionals;
  if (!method || extra !== undefined) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `gateway call needs exactly one method name\nUsage: ${USAGE}`,
      { exitCode: 2 },
    );
  }
  let params: unknown = {};
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params) as unknown;
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `--params must be JSON (${(err as Error).message}), e.g. --params '{"sessionKey":"agent:main:main"}'`,
        { exitCode: 2 },
      );
    }
  }
  const timeoutMs = parseDurationMs(values.timeout, '--timeout', 10_000);
  const result = await withGateway(paths, env, { ...values, timeoutMs }, (session) =>
    session.request<unknown>(method, params),
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
