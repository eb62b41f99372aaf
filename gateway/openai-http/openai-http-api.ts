/**
 * The OpenAI-compatible HTTP API on the gateway port (`gateway.http.endpoints.chatCompletions`,
 * off by default): `POST /v1/chat/completions`, `GET /v1/models` and `GET /v1/models/{id}`,
 * behind the gateway's bearer token or password. Settings are read per request, so enabling it
 * in `openclaw.json` applies to the next request without a restart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenClawConfig } from '../config/config-types.js';
import type { Logger } from '../infra/logger.js';
import type { HttpApiHandler, HttpApiRequestContext } from '../server/http-routes.js';
import type { SessionStore } from '../sessions/index.js';
import {
  findModel,
  modelIds,
  resolveAgent,
  resolveSession,
  type AgentTarget,
} from './agent-targets.js';
import { authorizeBearer, type BearerAuthSettings } from './bearer-auth.js';
import { runChatCompletion, type AgentRunPort } from './chat-completion.js';
import { agentMessage, parseChatRequest, readJsonBody } from './chat-request.js';
import { OpenAiHttpError, sendError, sendJson } from './openai-errors.js';
import type { RunEventTap } from './run-tap.js';

export interface OpenAiHttpDeps {
  config(): OpenClawConfig;
  settings(): BearerAuthSettings;
  agents(): AgentTarget[];
  /** The agent runtime, loaded on the first chat request (never at gateway start). */
  runtime(): Promise<AgentRunPort>;
  sessions: Pick<SessionStore, 'get'>;
  tap: RunEventTap;
  logger: Logger;
}

export function chatCompletionsEnabled(config: OpenClawConfig): boolean {
  return config.gateway?.http?.endpoints?.chatCompletions?.enabled === true;
}

const DISABLED = new OpenAiHttpError(
  404,
  'The OpenAI-compatible endpoints are disabled on this gateway. Enable them with `openclaw config set gateway.http.endpoints.chatCompletions.enabled true` (or set gateway.http.endpoints.chatCompletions.enabled: true in openclaw.json).',
  'not_found_error',
  'endpoint_disabled',
);

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function methodNotAllowed(allow: string): OpenAiHttpError {
  return new OpenAiHttpError(
    405,
    `Use ${allow} on this path.`,
    'invalid_request_error',
    'method_not_allowed',
    null,
    { Allow: allow },
  );
}

export function createOpenAiHttpApi(deps: OpenAiHttpDeps): HttpApiHandler {
  return async (req, res, ctx) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (pathname !== '/v1' && !pathname.startsWith('/v1/')) return false;
    try {
      await route(req, res, ctx, pathname, deps);
    } catch (err) {
      const error =
        err instanceof OpenAiHttpError
          ? err
          : new OpenAiHttpError(
              500,
              'The gateway failed to answer; its log has the details.',
              'api_error',
            );
      if (!(err instanceof OpenAiHttpError)) {
        deps.logger.error('openai http request failed', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      if (res.headersSent) res.end();
      else sendError(res, error);
    }
    return true;
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpApiRequestContext,
  pathname: string,
  deps: OpenAiHttpDeps,
): Promise<void> {
  if (!chatCompletionsEnabled(deps.config())) throw DISABLED;
  try {
    authorizeBearer(req, deps.settings(), ctx);
  } catch (err) {
    if (err instanceof OpenAiHttpError && err.status === 401) {
      deps.logger.warn('openai http request refused: authentication failed', {
        ip: ctx.address.clientIp,
        path: pathname,
      });
    }
    throw err;
  }
  const method = req.method ?? 'GET';
  const agents = deps.agents();

  if (pathname === '/v1/models') {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
    sendJson(res, 200, { object: 'list', data: modelIds(agents).map(modelEntry) });
    return;
  }
  if (pathname.startsWith('/v1/models/')) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
    let id: string;
    try {
      id = decodeURIComponent(pathname.slice('/v1/models/'.length));
    } catch {
      throw new OpenAiHttpError(400, 'The model id in the path is not valid URL encoding.');
    }
    if (!findModel(id, agents)) {
      throw new OpenAiHttpError(
        404,
        `No model "${id}" here; GET /v1/models lists the agents you can talk to.`,
        'not_found_error',
        'model_not_found',
      );
    }
    sendJson(res, 200, modelEntry(id));
    return;
  }
  if (pathname === '/v1/chat/completions') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    await chatCompletions(req, res, deps, agents);
    return;
  }
  throw new OpenAiHttpError(
    404,
    `Unknown path ${pathname}: this gateway serves POST /v1/chat/completions, GET /v1/models and GET /v1/models/{id}.`,
    'not_found_error',
    'not_found',
  );
}

function modelEntry(id: string) {
  return { id, object: 'model', created: 0, owned_by: 'openclaw' };
}

async function chatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  deps: OpenAiHttpDeps,
  agents: AgentTarget[],
): Promise<void> {
  const request = parseChatRequest(await readJsonBody(req));
  const agentId = resolveAgent(request.model, header(req, 'x-openclaw-agent-id'), agents);
  const session = resolveSession(agentId, request.user, header(req, 'x-openclaw-session-key'));
  const existing = session.ephemeral ? undefined : (await deps.sessions.get(session.key.key)).entry;
  const modelOverride = header(req, 'x-openclaw-model')?.trim();
  await runChatCompletion(res, {
    runtime: await deps.runtime(),
    tap: deps.tap,
    logger: deps.logger,
    agentId,
    sessionKey: session.key.key,
    message: agentMessage(request.messages, existing === undefined),
    ...(modelOverride ? { modelOverride } : {}),
    responseModel: request.model ?? `openclaw/${agentId}`,
    stream: request.stream,
    includeUsage: request.includeUsage,
  });
}
