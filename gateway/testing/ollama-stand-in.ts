/**
 * (Test-only) A local stand-in for Ollama as the Model step meets it: `GET /api/tags` lists the
 * pulled models (Ollama's own shape), `POST /v1/chat/completions` is its OpenAI-compatible route
 * (tool calls whole in one chunk, see the `ollama` style of the OpenAI stand-in), any key or none
 * is accepted, and a model that is not pulled gets Ollama's 404. `host: '0.0.0.0'` listens on all
 * interfaces as `OLLAMA_HOST=0.0.0.0` does; the default is loopback only, Ollama's default.
 */
import type { OpenAiStandInStyle } from './openai-stand-in.js';
import { answerChatCompletion } from './openai-stand-in.js';
import { startStandInServer, writeJson, type StandInServer } from './stand-in-server.js';

export interface OllamaStandIn extends StandInServer {
  /** The `/v1` base URL (as the gateway's config has it). */
  readonly baseUrl: string;
}

export async function startOllamaStandIn(options: {
  models: string[];
  host?: string;
  style?: Extract<OpenAiStandInStyle, 'ollama' | 'ollama-stop'>;
}): Promise<OllamaStandIn> {
  const created = Math.floor(Date.now() / 1000);
  const server = await startStandInServer(
    {
      other: ({ record, res, body }) => {
        // Ollama answers an unpulled model before anything else (no scripted turn is used).
        if (record.method === 'POST' && record.path === '/v1/chat/completions') {
          const model = typeof body.model === 'string' ? body.model : '';
          if (options.models.includes(model)) return false;
          writeJson(res, 404, {
            error: {
              message: `model "${model}" not found, try pulling it first`,
              type: 'api_error',
              param: null,
              code: null,
            },
          });
          return true;
        }
        if (record.method === 'GET' && record.path === '/api/tags') {
          writeJson(res, 200, {
            models: options.models.map((name, i) => ({
              name,
              model: name,
              modified_at: new Date(created * 1000).toISOString(),
              size: 1_000_000_000 + i,
              digest: `${i}`.padStart(64, 'a'),
              details: {
                format: 'gguf',
                family: 'qwen3',
                parameter_size: '8.2B',
                quantization_level: 'Q4_K_M',
              },
            })),
          });
          return true;
        }
        if (record.method === 'GET' && record.path === '/') {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('Ollama is running');
          return true;
        }
        return false;
      },
      matches: (method, path) => method === 'POST' && path === '/v1/chat/completions',
      authorized: () => true,
      unauthorized: () => {},
      handle: (ctx, turn) => answerChatCompletion(ctx, turn, created, options.style ?? 'ollama'),
    },
    { apiKey: '', host: options.host },
  );
  return Object.assign(server, { baseUrl: `${server.origin}/v1` });
}
