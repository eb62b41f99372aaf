/**
 * `<stateDir>/sandbox/containers.json`: when each sandbox container was created and last used,
 * and which config hash it should have. Docker labels say what a container *is*; this file says
 * how it has been *used*, which the hot-window and pruning rules need. Writes are atomic under the
 * cross-process lock; reads for listing are lenient (a damaged file is moved aside, not fatal).
 */
import path from 'node:path';
import { readJsonFile, updateJsonFile } from '../../infra/json-file.js';

export interface RegistryEntry {
  containerName: string;
  /** The scope key (upstream's field name, kept so existing files read the same). */
  sessionKey: string;
  agentId?: string;
  createdAtMs: number;
  lastUsedAtMs: number;
  image: string;
  /** The hash the container was created with (kept on a hot mismatch, so it stays truthful). */
  configHash?: string;
  /** The hash the current config asks for, when it differs (a recreate is pending). */
  wantedConfigHash?: string;
}

interface RegistryFile {
  entries: RegistryEntry[];
}

const EMPTY: RegistryFile = { entries: [] };

export class SandboxRegistry {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'sandbox', 'containers.json');
  }

  async read(): Promise<RegistryEntry[]> {
    try {
      const data = await readJsonFile<RegistryFile>(this.file, EMPTY);
      return Array.isArray(data.entries) ? data.entries : [];
    } catch {
      return [];
    }
  }

  async get(containerName: string): Promise<RegistryEntry | undefined> {
    return (await this.read()).find((e) => e.containerName === containerName);
  }

  /** Insert or update; an existing entry keeps its createdAtMs unless `recreated`. */
  async upsert(entry: RegistryEntry, recreated = false): Promise<void> {
    await updateJsonFile<RegistryFile>(this.file, EMPTY, (current) => {
      const entries = Array.isArray(current.entries) ? current.entries : [];
      const old = entries.find((e) => e.containerName === entry.containerName);
      const next: RegistryEntry = {
        ...entry,
        createdAtMs: old && !recreated ? old.createdAtMs : entry.createdAtMs,
      };
      if (next.wantedConfigHash === undefined) delete next.wantedConfigHash;
      return {
        value: { entries: [...entries.filter((e) => e !== old), next] },
        result: undefined,
      };
    });
  }

  async touch(containerName: string, atMs: number): Promise<void> {
    await updateJsonFile<RegistryFile>(this.file, EMPTY, (current) => {
      const entry = current.entries?.find((e) => e.containerName === containerName);
      if (!entry || entry.lastUsedAtMs >= atMs)
        return { value: current, result: undefined, changed: false };
      entry.lastUsedAtMs = atMs;
      return { value: current, result: undefined };
    });
  }

  async remove(containerName: string): Promise<void> {
    await updateJsonFile<RegistryFile>(this.file, EMPTY, (current) => {
      const entries = Array.isArray(current.entries) ? current.entries : [];
      const kept = entries.filter((e) => e.containerName !== containerName);
      return {
        value: { entries: kept },
        result: undefined,
        changed: kept.length !== entries.length,
      };
    });
  }
}
