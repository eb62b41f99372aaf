/**
 * The pure parts of the OpenAI-compatible API: request validation and the message the agent gets,
 * model names to agents, the session a request runs in, and the config keys upstream documents.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/config-schema.js';
import { resolveAgent, resolveSession } from './agent-targets.js';
import { agentMessage, parseChatRequest } from './chat-request.js';
import { chatCompletionsEnabled } from './openai-http-api.js';
import { OpenAiHttpError } from './openai-errors.js';

const AGENTS = [
  { id: 'main', isDefault: true },
  { id: 'research', isDefault: false },
];

function failure(fn: () => unknown): OpenAiHttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpenAiHttpError) return err;
    throw err;
  }
  throw new Error('expected an OpenAiHttpError');
}

describe('parseChatRequest', () => {
  it('takes text content as a string or as text parts, and the stream options', () => {
    const request = parseChatRequest({
      model: ' openclaw ',
      stream: true,
      stream_options: { include_usage: true },
      user: 'conv:1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(request).toEqual({
      model: 'openclaw',
      stream: true,
      includeUsage: true,
      user: 'conv:1',
      messages: [
        { role: 'system', text: 'Be brief.' },
        { role: 'user', text: 'a\nb' },
      ],
    });
  });

  it('names the field and the fix for each bad input', () => {
    const cases: Array<[unknown, string, string | null]> = [
      [[], 'must be a JSON object', null],
      [{ messages: [] }, '"messages" is missing or empty', 'messages'],
      [
        { model: 3, messages: [{ role: 'user', content: 'x' }] },
        '"model" must be a string',
        'model',
      ],
      [{ stream: 'yes', messages: [{ role: 'user', content: 'x' }] }, '"stream" must be', 'stream'],
      [{ n: 2, messages: [{ role: 'user', content: 'x' }] }, '"n" must be 1', 'n'],
      [
        { messages: [{ role: 'robot', content: 'x' }] },
        'messages[0].role must be one of',
        'messages[0].role',
      ],
      [
        { messages: [{ role: 'user', content: '  ' }] },
        'last user message is empty',
        'messages[0].content',
      ],
      [
        {
          messages: [
            { role: 'user', content: 'x' },
            { role: 'tool', content: 'r', tool_call_id: 'c' },
          ],
        },
        'must come from the user',
        'messages[1].role',
      ],
      [
        {
          tools: [{ type: 'function', function: { name: 'f' } }],
          messages: [{ role: 'user', content: 'x' }],
        },
        'Client-side "tools" are not supported',
        'tools',
      ],
      [
        { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
        'text only',
        'messages[0].content[0]',
      ],
    ];
    for (const [body, message, param] of cases) {
      const err = failure(() => parseChatRequest(body));
      expect(err.status, message).toBe(400);
      expect(err.message).toContain(message);
      expect(err.param).toBe(param);
    }
  });
});

describe('agentMessage', () => {
  const thread = parseChatRequest({
    messages: [
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: null, tool_calls: [{ function: { name: 'lookup' } }] },
      { role: 'tool', content: 'found it', tool_call_id: 'c1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ],
  }).messages;

  it('gives a new session the instructions and earlier turns as labelled context', () => {
    const text = agentMessage(thread, true);
    expect(text).toBe(
      [
        'Instructions from the client:\nAnswer in French.',
        'Conversation so far:\nUser: q1\n\nAssistant: (called lookup)\n\nTool result: found it\n\nAssistant: a1',
        'Current message:\nq2',
      ].join('\n\n'),
    );
  });

  it('gives a session with a transcript only the latest user message', () => {
    expect(agentMessage(thread, false)).toBe('q2');
    expect(agentMessage([{ role: 'user', text: 'only' }], true)).toBe('only');
  });
});

describe('resolveAgent', () => {
  it('maps the model names upstream documents to agents', () => {
    expect(resolveAgent(undefined, undefined, AGENTS)).toBe('main');
    expect(resolveAgent('openclaw', undefined, AGENTS)).toBe('main');
    expect(resolveAgent('openclaw/default', undefined, AGENTS)).toBe('main');
    expect(resolveAgent('openclaw/research', undefined, AGENTS)).toBe('research');
    expect(resolveAgent('openclaw:Research', undefined, AGENTS)).toBe('research');
    expect(resolveAgent('agent:research', undefined, AGENTS)).toBe('research');
    expect(resolveAgent('openclaw', 'research', AGENTS)).toBe('research');
  });

  it('refuses unknown agents and provider model names with the list of models', () => {
    expect(failure(() => resolveAgent('openclaw/ghost', undefined, AGENTS)).message).toContain(
      'No agent "ghost"',
    );
    const provider = failure(() => resolveAgent('gpt-4o', undefined, AGENTS));
    expect(provider.message).toContain('openclaw/research');
    expect(provider.message).toContain('x-openclaw-model');
    expect(failure(() => resolveAgent('openclaw', 'ghost', AGENTS)).message).toContain(
      'x-openclaw-agent-id',
    );
  });
});

describe('resolveSession', () => {
  it('derives a stable key from `user`, hashing what cannot be part of a key', () => {
    expect(resolveSession('main', 'conv:42', undefined)).toEqual({
      key: { key: 'agent:main:openai-user:conv:42', agentId: 'main', rest: 'openai-user:conv:42' },
      ephemeral: false,
    });
    const spaced = resolveSession('main', 'Jane Doe / thread 7', undefined).key.key;
    expect(spaced).toMatch(/^agent:main:openai-user:h[0-9a-f]{32}$/);
    expect(resolveSession('main', 'Jane Doe / thread 7', undefined).key.key).toBe(spaced);
  });

  it('gives each request without `user` a session of its own', () => {
    const a = resolveSession('research', undefined, undefined);
    const b = resolveSession('research', '  ', undefined);
    expect(a.ephemeral && b.ephemeral).toBe(true);
    expect(a.key.key).toMatch(/^agent:research:openai:/);
    expect(a.key.key).not.toBe(b.key.key);
  });

  it('takes an explicit session key, refusing reserved namespaces and another agent', () => {
    expect(resolveSession('main', 'ignored', 'myapp:thread-1').key.key).toBe(
      'agent:main:myapp:thread-1',
    );
    expect(resolveSession('main', undefined, 'agent:main:x').key.key).toBe('agent:main:x');
    for (const reserved of ['cron:nightly', 'agent:main:subagent:1', 'acp:z']) {
      expect(failure(() => resolveSession('main', undefined, reserved)).message).toContain(
        'reserved namespace',
      );
    }
    expect(failure(() => resolveSession('main', undefined, 'agent:research:x')).message).toContain(
      'belongs to agent "research"',
    );
    expect(failure(() => resolveSession('main', undefined, 'has space')).status).toBe(400);
  });
});

describe('config keys', () => {
  it('accepts upstream gateway.http.endpoints settings and is off unless enabled', () => {
    const config = {
      gateway: {
        http: {
          endpoints: {
            chatCompletions: { enabled: true, images: { allowUrl: false, maxBytes: 10485760 } },
            responses: { enabled: false },
          },
          securityHeaders: { strictTransportSecurity: false },
        },
      },
    };
    const result = validateConfig(config);
    expect(result.issues).toEqual([]);
    expect(chatCompletionsEnabled(result.config)).toBe(true);
    expect(chatCompletionsEnabled({})).toBe(false);
    expect(chatCompletionsEnabled({ gateway: { http: { endpoints: {} } } })).toBe(false);
  });

  it('reports typos and wrong types instead of silently staying off', () => {
    const result = validateConfig({
      gateway: {
        http: {
          endpoints: { chatCompletion: { enabled: true }, chatCompletions: { enabled: 'yes' } },
        },
      },
    });
    expect(result.issues.map((i) => i.path).sort()).toEqual([
      'gateway.http.endpoints.chatCompletion',
      'gateway.http.endpoints.chatCompletions.enabled',
    ]);
    expect(result.issues.find((i) => i.path.endsWith('chatCompletion'))?.message).toContain(
      'allowed keys: chatCompletions',
    );
  });
});
