/**
 * Transient notices. A tiny zustand store (so stores and non-React code can raise a toast with
 * `toast(...)`) and one `<Toaster />` in the shell that renders them in a live region.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Tone } from './badge.js';
import { Icon, type IconName } from './icon.js';

export interface ToastInput {
  title: string;
  body?: string;
  tone?: Extract<Tone, 'neutral' | 'success' | 'warning' | 'danger' | 'info'>;
  /** ms; errors stay longer by default. 0 = until dismissed. */
  duration?: number;
}

export interface ToastItem extends Required<Omit<ToastInput, 'body'>> {
  id: number;
  body?: string;
}

interface ToastState {
  toasts: ToastItem[];
}

export const useToastStore = create<ToastState>()(() => ({ toasts: [] }));

let nextId = 1;
const MAX_TOASTS = 4;

export function toast(input: ToastInput): number {
  const id = nextId++;
  const tone = input.tone ?? 'neutral';
  const item: ToastItem = {
    id,
    title: input.title,
    body: input.body,
    tone,
    duration: input.duration ?? (tone === 'danger' ? 9000 : 5000),
  };
  useToastStore.setState((s) => ({ toasts: [...s.toasts, item].slice(-MAX_TOASTS) }));
  return id;
}

export function dismissToast(id: number): void {
  useToastStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

const ICONS: Record<ToastItem['tone'], IconName> = {
  neutral: 'info',
  info: 'info',
  success: 'success',
  warning: 'warning',
  danger: 'error',
};

function ToastView({ item }: { item: ToastItem }) {
  useEffect(() => {
    if (item.duration <= 0) return;
    const timer = setTimeout(() => dismissToast(item.id), item.duration);
    return () => clearTimeout(timer);
  }, [item.id, item.duration]);
  return (
    <li
      className={`ui-toast ui-toast--${item.tone}`}
      role={item.tone === 'danger' ? 'alert' : 'status'}
    >
      <span className="ui-toast__icon" aria-hidden="true">
        <Icon name={ICONS[item.tone]} size={16} />
      </span>
      <div className="ui-toast__body">
        <p className="ui-toast__title">{item.title}</p>
        {item.body ? <p className="ui-toast__text">{item.body}</p> : null}
      </div>
      <button
        type="button"
        className="ui-toast__close"
        aria-label="Dismiss notification"
        onClick={() => dismissToast(item.id)}
      >
        <Icon name="close" size={14} />
      </button>
    </li>
  );
}

export function Toaster() {
  const toasts = useToastStore((s) => s.toasts);
  return (
    <ol className="ui-toaster" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastView key={t.id} item={t} />
      ))}
    </ol>
  );
}
