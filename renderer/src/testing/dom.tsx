/**
 * Minimal DOM test helpers (react-dom + act, no extra library): render into a fresh container,
 * type into inputs the way React notices, press keys, and clean up.
 */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

// React only batches act() updates when this flag is set (testing-library sets it too).
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted = new Set<{ root: Root; container: HTMLElement }>();

export function render(ui: ReactNode): {
  container: HTMLElement;
  rerender: (ui: ReactNode) => void;
  unmount: () => void;
} {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  const entry = { root, container };
  mounted.add(entry);
  act(() => root.render(ui));
  return {
    container,
    rerender: (next) => act(() => root.render(next)),
    unmount: () => {
      act(() => root.unmount());
      container.remove();
      mounted.delete(entry);
    },
  };
}

export function cleanup(): void {
  for (const { root, container } of mounted) {
    act(() => root.unmount());
    container.remove();
  }
  mounted.clear();
}

/** Set an input's value through the native setter so React's onChange fires. */
export function typeInto(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto =
    input instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export function press(target: Element, key: string): void {
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
}

export function click(target: Element | null | undefined): void {
  if (!target) throw new Error('click: no element');
  act(() => {
    (target as HTMLElement).click();
  });
}

export function blur(target: Element): void {
  act(() => {
    target.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
  });
}

/** Let pending promises (store actions) settle inside act. */
export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

/** The element whose accessible label text (label[for], aria-label) matches. */
export function getByLabel(container: ParentNode, text: string | RegExp): HTMLElement {
  const matches = (s: string | null | undefined) =>
    s ? (typeof text === 'string' ? s.trim() === text : text.test(s)) : false;
  for (const label of container.querySelectorAll('label')) {
    if (matches(label.textContent) && label.htmlFor) {
      const el = (label.ownerDocument ?? document).getElementById(label.htmlFor);
      if (el) return el;
    }
  }
  for (const el of container.querySelectorAll<HTMLElement>('[aria-label]'))
    if (matches(el.getAttribute('aria-label'))) return el;
  throw new Error(`no element labelled ${String(text)}`);
}

export function getButton(container: ParentNode, name: string | RegExp): HTMLButtonElement {
  for (const b of container.querySelectorAll('button')) {
    const label = b.getAttribute('aria-label') ?? b.textContent ?? '';
    if (typeof name === 'string' ? label.trim() === name : name.test(label)) return b;
  }
  throw new Error(`no button named ${String(name)}`);
}
