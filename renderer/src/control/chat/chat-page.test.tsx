// @vitest-environment happy-dom
/**
 * The whole Chat page on the real store and connection, with an in-memory gateway: the connect
 * advertises `tool-events`; a message goes out with `chat.send`; streamed deltas and a tool card
 * show up; the connection drops mid-answer and comes back — the page reads the history again, asks
 * `agent.wait` how the run stands, keeps the running answer and follows it to its final without
 * showing the message twice.
 */
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGateway } from '../connection/fake-gateway-socket.js';
import { loadOrCreateDeviceIdentity, memoryIdentityStore } from '../connection/device-identity.js';
import { connectGateway, disconnectGateway, useControlStore } from '../connection/control-store.js';
import { cleanup, getButton, press, render, typeInto } from '../../testing/dom.js';
import { ChatPage } from './chat-page.js';
import { EMPTY_CHAT } from './chat-reducer.js';
import { DEFAULT_SESSION_KEY, useChatStore } from './chat-store.js';

const KEY = DEFAULT_SESSION_KEY;

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}; page shows: ${document.body.textContent}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

function connect(gateway: FakeGateway) {
  const identity = loadOrCreateDeviceIdentity(memoryIdentityStore());
  connectGateway(
    { url: 'ws://127.0.0.1:18789', token: 'tok' },
    {
      loadIdentity: () => identity,
      createSocket: gateway.factory,
      tokenStorage: null,
      reconnect: { initialMs: 10, multiplier: 1.5, maxMs: 50 },
    },
  );
}

let history: unknown[];

function fakeGateway(): FakeGateway {
  const gateway = new FakeGateway();
  gateway.methods = {
    'chat.history': () => ({ sessionKey: KEY, messages: history }),
    'sessions.list': () => ({ count: 0, sessions: [], defaults: { model: 'echo-1' } }),
    'models.list': () => ({
      models: [{ id: 'echo-1', name: 'Echo', provider: 'stand-in', available: true }],
    }),
    'chat.send': (params) => ({
      runId: (params as { idempotencyKey: string }).idempotencyKey,
      status: 'started',
    }),
    'agent.wait': (params) => ({ runId: (params as { runId: string }).runId, status: 'timeout' }),
  };
  return gateway;
}

function delta(runId: string, seq: number, text: string) {
  return {
    runId,
    sessionKey: KEY,
    seq,
    state: 'delta',
    deltaText: '',
    message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: 1 },
  };
}

beforeEach(() => {
  history = [];
  localStorage.clear();
  useChatStore.setState({ ...EMPTY_CHAT, currentKey: KEY, actionError: null, drafts: {} });
});

afterEach(() => {
  cleanup();
  disconnectGateway();
});

describe('ChatPage', () => {
  it('sends, streams with a tool card, and keeps following the answer across a reconnect', async () => {
    const gateway = fakeGateway();
    connect(gateway);
    const { container } = render(<ChatPage />);
    await until(() => container.textContent!.includes('What should the agent do?'), 'the page');
    // Tool events reach only connections that ask for them.
    const connectParams = gateway.connects[0]!.params as { caps?: string[] };
    expect(connectParams.caps).toContain('tool-events');

    const area = container.querySelector('textarea')!;
    typeInto(area, 'hello there');
    press(area, 'Enter');
    await until(() => gateway.requests.some((r) => r.method === 'chat.send'), 'chat.send');
    const send = gateway.requests.find((r) => r.method === 'chat.send')!.params as {
      sessionKey: string;
      message: string;
      idempotencyKey: string;
    };
    expect(send).toMatchObject({ sessionKey: KEY, message: 'hello there' });
    const runId = send.idempotencyKey;
    expect(area.value).toBe('');

    const socket = gateway.last!;
    act(() => {
      socket.emit('agent', {
        runId,
        seq: 1,
        stream: 'lifecycle',
        ts: 1,
        data: { phase: 'start', sessionKey: KEY },
      });
      socket.emit('chat', delta(runId, 1, 'Let me **look**.'));
      socket.emit('agent', {
        runId,
        seq: 2,
        stream: 'tool',
        ts: 100,
        data: { phase: 'start', toolCallId: 'c1', name: 'ls', args: { path: 'docs' } },
      });
    });
    await until(() => container.querySelector('strong')?.textContent === 'look', 'the delta');
    await until(() => container.querySelector('.chat-tool--running') !== null, 'the tool card');
    expect(getButton(container, 'Stop')).toBeDefined();

    // The connection drops mid-answer; meanwhile the gateway wrote the user message.
    history = [{ role: 'user', content: [{ type: 'text', text: 'hello there' }], timestamp: 2 }];
    const before = gateway.requests.length;
    typeInto(area, 'a follow-up, not sent yet');
    act(() => socket.serverClose(1012, 'service restart'));
    await until(() => gateway.sockets.length > 1, 'a new socket');
    await until(() => useControlStore.getState().gatewayStatus.state === 'connected', 'reconnect');
    await until(
      () => gateway.requests.slice(before).some((r) => r.method === 'agent.wait'),
      'agent.wait',
    );
    expect(gateway.requests.slice(before).find((r) => r.method === 'agent.wait')!.params).toEqual({
      runId,
      timeoutMs: 0,
    });
    await until(
      () => gateway.requests.slice(before).filter((r) => r.method === 'chat.history').length > 0,
      'history read again',
    );
    // Still running; the user's message is shown once; the unsent text is still there.
    expect(getButton(container, 'Stop')).toBeDefined();
    expect(container.querySelector('textarea')!.value).toBe('a follow-up, not sent yet');
    await until(
      () => container.querySelectorAll('.chat-msg--user').length === 1,
      'a single user message',
    );

    // The gateway counts from where it is; every delta carries the whole answer so far.
    const next = gateway.last!;
    act(() => {
      next.emit('agent', {
        runId,
        seq: 3,
        stream: 'tool',
        ts: 350,
        data: {
          phase: 'result',
          toolCallId: 'c1',
          name: 'ls',
          result: { content: [{ type: 'text', text: 'guide.md' }] },
          isError: false,
        },
      });
      next.emit('chat', delta(runId, 1, 'Let me **look**.\n\nThere is one guide.'));
    });
    await until(() => container.textContent!.includes('There is one guide.'), 'resumed text');
    expect(container.querySelector('.chat-tool--done summary')!.textContent).toContain('250 ms');

    history = [
      ...history,
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me **look**.' },
          { type: 'toolCall', id: 'c1', name: 'ls', arguments: { path: 'docs' } },
        ],
        stopReason: 'toolUse',
      },
      {
        role: 'toolResult',
        toolCallId: 'c1',
        toolName: 'ls',
        content: [{ type: 'text', text: 'guide.md' }],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'There is one guide.' }],
        stopReason: 'stop',
        model: 'echo-1',
      },
    ];
    act(() => next.emit('chat', { runId, sessionKey: KEY, seq: 2, state: 'final' }));
    await until(() => !container.textContent!.includes('Stop'), 'the run to end');
    await until(() => container.querySelector('.chat-msg__footer') !== null, 'the history answer');
    expect(container.querySelectorAll('.chat-msg--user')).toHaveLength(1);
    expect(container.querySelectorAll('.chat-msg--assistant')).toHaveLength(1);
    expect(container.querySelectorAll('details.chat-tool')).toHaveLength(1);
    // The duration measured live survives the history read (the transcript has none).
    expect(container.querySelector('.chat-tool summary')!.textContent).toContain('250 ms');
    expect(useChatStore.getState().runs).toEqual({});
  });

  it('stops the running answer with Esc through chat.abort', async () => {
    const gateway = fakeGateway();
    gateway.methods['chat.abort'] = () => ({ ok: true, aborted: true, runIds: [] });
    connect(gateway);
    const { container } = render(<ChatPage />);
    await until(() => container.textContent!.includes('What should the agent do?'), 'the page');
    const area = container.querySelector('textarea')!;
    typeInto(area, 'long story');
    press(area, 'Enter');
    await until(() => gateway.requests.some((r) => r.method === 'chat.send'), 'chat.send');
    const { idempotencyKey: runId } = gateway.requests.find((r) => r.method === 'chat.send')!
      .params as { idempotencyKey: string };
    act(() => gateway.last!.emit('chat', delta(runId, 1, 'Once upon')));
    await until(() => container.textContent!.includes('Once upon'), 'the delta');
    press(area, 'Escape');
    await until(() => gateway.requests.some((r) => r.method === 'chat.abort'), 'chat.abort');
    history = [
      { role: 'user', content: [{ type: 'text', text: 'long story' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Once upon' }],
        stopReason: 'aborted',
        errorMessage: 'The answer was stopped.',
      },
    ];
    expect(gateway.requests.find((r) => r.method === 'chat.abort')!.params).toEqual({
      sessionKey: KEY,
      runId,
    });
    act(() =>
      gateway.last!.emit('chat', {
        runId,
        sessionKey: KEY,
        seq: 2,
        state: 'aborted',
        stopReason: 'aborted',
      }),
    );
    await until(() => container.textContent!.includes('Stopped'), 'the stopped note');
    await until(() => container.querySelector('.chat-msg__footer') !== null, 'the history');
    expect(container.textContent).toContain('Once upon');
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });
});
