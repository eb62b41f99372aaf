/**
 * What the Model form needs from the host: the current model (key as a hint only), the providers
 * with their models, and the local Ollama when that provider is picked. Plain component state:
 * nothing here is shared with other pages.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  ModelKindCatalog,
  ModelSetupView,
  OllamaProbe,
} from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { errorText } from '../../host/host-error.js';

export interface ModelData {
  view: ModelSetupView | null;
  catalog: ModelKindCatalog[] | null;
  error: string | null;
  reload: () => Promise<void>;
}

export function useModelData(): ModelData {
  const { api } = useHost();
  const [view, setView] = useState<ModelSetupView | null>(null);
  const [catalog, setCatalog] = useState<ModelKindCatalog[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    if (!api) return;
    try {
      const [v, c] = await Promise.all([
        api.call('model.get', {}),
        catalog ? Promise.resolve(catalog) : api.call('model.catalog', {}),
      ]);
      setView(v);
      setCatalog(c);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [api, catalog]);
  useEffect(() => {
    void reload();
    // Loaded once per host; `reload` after a save refreshes the current model.
  }, [api]);
  return { view, catalog, error, reload };
}

export interface OllamaState {
  probe: OllamaProbe | null;
  looking: boolean;
  look: () => Promise<void>;
}

export function useOllama(active: boolean): OllamaState {
  const { api } = useHost();
  const [probe, setProbe] = useState<OllamaProbe | null>(null);
  const [looking, setLooking] = useState(false);
  const look = useCallback(async () => {
    if (!api) return;
    setLooking(true);
    try {
      setProbe(await api.call('model.ollama', {}));
    } catch (err) {
      setProbe({
        found: false,
        url: '',
        models: [],
        containerReach: 'unknown',
        hint: errorText(err),
      });
    } finally {
      setLooking(false);
    }
  }, [api]);
  useEffect(() => {
    if (active && !probe && !looking) void look();
  }, [active, probe, looking, look]);
  return { probe, looking, look };
}
