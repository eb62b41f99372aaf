/**
 * How the app behaves (login item, background start, tray, stop on quit). A toggle applies at once
 * (optimistically) and rolls back with a message if the host refuses.
 */
import type { AppSettings } from '../../../../electron/contract/host-api.js';
import { toHostError } from '../../host/host-error.js';
import { toast } from '../../ui/toast.js';
import { idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export interface AppSettingsData {
  settings: AppSettings;
  secretStorage: { kind: 'os-keychain' | 'plaintext-file'; warning?: string };
}

export interface AppSettingsSlice {
  appSettings: Resource<AppSettingsData>;
  savingSetting: keyof AppSettings | null;
  loadAppSettings(): Promise<void>;
  updateAppSetting<K extends keyof AppSettings>(key: K, value: AppSettings[K]): Promise<boolean>;
}

export const createAppSettingsSlice: AppSlice<AppSettingsSlice> = (host) => (set, get) => ({
  appSettings: idleResource(),
  savingSetting: null,
  async loadAppSettings() {
    await loadResource(
      () => get().appSettings,
      (appSettings) => set({ appSettings }),
      () => host.call('settings.get', {}),
    );
  },
  async updateAppSetting(key, value) {
    const current = get().appSettings.data;
    if (!current) return false;
    const previous = current.settings;
    const patch: Partial<AppSettings> = { [key]: value };
    set({
      savingSetting: key,
      appSettings: {
        ...get().appSettings,
        data: { ...current, settings: { ...previous, ...patch } },
      },
    });
    try {
      const settings = await host.call('settings.update', patch);
      const now = get().appSettings.data ?? current;
      set({ appSettings: { ...get().appSettings, data: { ...now, settings } } });
      return true;
    } catch (err) {
      const now = get().appSettings.data ?? current;
      set({ appSettings: { ...get().appSettings, data: { ...now, settings: previous } } });
      toast({ title: 'The setting was not saved', body: toHostError(err).message, tone: 'danger' });
      return false;
    } finally {
      set({ savingSetting: null });
    }
  },
});
