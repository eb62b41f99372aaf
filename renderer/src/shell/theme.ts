/**
 * Theme preference: follow the system, or pin light/dark. Stored in localStorage and applied as
 * `<html data-theme>`, which only switches `color-scheme` (tokens.css uses light-dark()).
 */
import { createStore, useStore } from 'zustand';

export type ThemePreference = 'system' | 'light' | 'dark';

const KEY = 'openclaw.theme';

function readPreference(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export const themeStore = createStore<{ preference: ThemePreference }>()(() => ({
  preference: typeof window === 'undefined' ? 'system' : readPreference(),
}));

export function applyTheme(
  preference: ThemePreference,
  root: HTMLElement | null = typeof document === 'undefined' ? null : document.documentElement,
): void {
  if (!root) return;
  if (preference === 'system') delete root.dataset.theme;
  else root.dataset.theme = preference;
}

export function setThemePreference(preference: ThemePreference): void {
  themeStore.setState({ preference });
  try {
    if (preference === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, preference);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
  applyTheme(preference);
}

export function useThemePreference(): ThemePreference {
  return useStore(themeStore, (s) => s.preference);
}
