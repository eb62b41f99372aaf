// @vitest-environment happy-dom
/**
 * The Chat page's pieces on a real React tree: Markdown renders GFM but never raw HTML, script
 * links or remote images; fenced code gets a language bar, a copy button and highlighting once the
 * highlighter loads; a tool card shows its status, duration, arguments and result; the composer
 * sends on Enter, keeps Shift+Enter for a new line, stops on Esc and refuses an empty message.
 */
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, getButton, press, render, typeInto } from '../../testing/dom.js';
import { Composer } from './composer.js';
import { MarkdownText } from './markdown.js';
import { MessageItem } from './message-item.js';
import { ToolCard } from './tool-card.js';

afterEach(cleanup);

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

describe('MarkdownText', () => {
  it('renders GFM (emphasis, lists, tables, task lists) as elements', () => {
    const { container } = render(
      <MarkdownText
        text={'Some **bold** and `code`.\n\n- one\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |'}
      />,
    );
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('code.chat-inline-code')?.textContent).toBe('code');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('input[type="checkbox"]')).not.toBeNull();
    expect(container.querySelector('table td')?.textContent).toBe('1');
  });

  it('never renders raw HTML, script links or remote images', () => {
    const { container } = render(
      <MarkdownText
        text={
          'Hi <img src="x" onerror="alert(1)"> <script>alert(2)</script>\n\n' +
          '<div onclick="alert(3)">block</div>\n\n' +
          '[click](javascript:alert(4)) ![pixel](https://tracker.example/p.png)'
        }
      />,
    );
    expect(container.querySelector('img, script, div[onclick]')).toBeNull();
    expect(container.innerHTML).not.toContain('onerror');
    const link = container.querySelector('a');
    expect(link?.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
    expect(container.textContent).toContain('[image: pixel]');
  });

  it('opens links in a new tab without an opener', () => {
    const { container } = render(<MarkdownText text="See https://example.com/docs" />);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://example.com/docs');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it('shows fenced code with its language and a copy button, then highlighted', async () => {
    const { container } = render(
      <MarkdownText text={'```python\ndef f(x):\n    return "<b>" + x\n```'} />,
    );
    expect(container.querySelector('.chat-code__lang')?.textContent).toBe('python');
    expect(getButton(container, 'Copy code')).toBeDefined();
    await until(() => container.querySelector('code.hljs') !== null);
    const code = container.querySelector('code.hljs')!;
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('def');
    // The code's own markup is text, not elements.
    expect(code.querySelector('b')).toBeNull();
    expect(code.textContent).toBe('def f(x):\n    return "<b>" + x');
  });
});

describe('ToolCard', () => {
  it('shows name, subject, status and duration collapsed, arguments and result inside', () => {
    const { container } = render(
      <ToolCard
        tool={{
          id: 't1',
          name: 'ls',
          args: { path: 'src' },
          status: 'done',
          output: 'a.ts\nb.ts',
          durationMs: 1530,
        }}
      />,
    );
    const summary = container.querySelector('summary')!.textContent;
    expect(summary).toContain('ls');
    expect(summary).toContain('src');
    expect(summary).toContain('Done');
    expect(summary).toContain('1.5 s');
    expect(container.querySelector('details')!.open).toBe(false);
    expect(container.querySelectorAll('pre')[0]!.textContent).toContain('"path": "src"');
    expect(container.querySelectorAll('pre')[1]!.textContent).toBe('a.ts\nb.ts');
  });

  it('marks a failed call and labels its output as the error', () => {
    const { container } = render(
      <ToolCard
        tool={{ id: 't2', name: 'write', args: {}, status: 'error', output: 'Path escapes' }}
      />,
    );
    expect(container.querySelector('.chat-tool--error')).not.toBeNull();
    expect(container.querySelector('summary')!.textContent).toContain('Failed');
    expect(container.querySelector('section[aria-label="Error"] pre')!.textContent).toBe(
      'Path escapes',
    );
  });
});

describe('MessageItem', () => {
  it('shows a failed answer with the error and the next step', () => {
    const { container } = render(
      <MessageItem
        item={{ id: 'a', role: 'assistant', parts: [], error: 'Provider said no (HTTP 429).' }}
        runState="error"
        errorKind="rate_limit"
      />,
    );
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('limiting requests');
    expect(alert.textContent).toContain('HTTP 429');
    expect(alert.textContent).toContain('send again');
  });

  it('shows a stopped answer as stopped, not failed', () => {
    const { container } = render(
      <MessageItem
        item={{
          id: 'a',
          role: 'assistant',
          parts: [{ kind: 'text', text: 'Partial' }],
          stopReason: 'aborted',
          error: 'The answer was stopped.',
        }}
      />,
    );
    expect(container.querySelector('[role="alert"]')).toBeNull();
    expect(container.textContent).toContain('Stopped before the end');
  });
});

describe('Composer', () => {
  function setup(props: { running?: boolean; value?: string; disabledReason?: string } = {}) {
    const onSend = vi.fn();
    const onStop = vi.fn();
    const onChange = vi.fn();
    const view = render(
      <Composer
        value={props.value ?? ''}
        onChange={onChange}
        onSend={onSend}
        onStop={onStop}
        running={props.running ?? false}
        stopping={false}
        disabledReason={props.disabledReason}
      />,
    );
    const area = view.container.querySelector('textarea')!;
    return { ...view, area, onSend, onStop, onChange };
  }

  it('sends on Enter, not on Shift+Enter, and not when empty', () => {
    const filled = setup({ value: 'hello' });
    press(filled.area, 'Enter');
    expect(filled.onSend).toHaveBeenCalledTimes(1);
    act(() => {
      filled.area.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }),
      );
    });
    expect(filled.onSend).toHaveBeenCalledTimes(1);
    cleanup();
    const empty = setup({ value: '   ' });
    press(empty.area, 'Enter');
    expect(empty.onSend).not.toHaveBeenCalled();
    expect(
      empty.container.querySelector<HTMLButtonElement>('button[aria-label="Send"]')!.disabled,
    ).toBe(true);
  });

  it('shows Stop while running; Esc stops; Enter does not send a second message', () => {
    const { area, container, onSend, onStop } = setup({ value: 'next', running: true });
    expect(container.textContent).toContain('Stop');
    press(area, 'Escape');
    expect(onStop).toHaveBeenCalledTimes(1);
    press(area, 'Enter');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('passes typing through and says why it cannot send while disconnected', () => {
    const { area, container, onChange, onSend } = setup({
      value: '/status',
      disabledReason: 'Reconnecting to the gateway…',
    });
    typeInto(area, '/status now');
    expect(onChange).toHaveBeenCalledWith('/status now');
    press(area, 'Enter');
    expect(onSend).not.toHaveBeenCalled();
    expect(container.textContent).toContain('Reconnecting to the gateway…');
    expect(area.getAttribute('aria-describedby')).toBe('chat-composer-hint');
    expect(container.querySelector('label[for="chat-input"]')?.textContent).toBe('Message');
  });
});
