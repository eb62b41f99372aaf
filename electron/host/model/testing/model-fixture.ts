/**
 * (Test-only) A temp gateway state dir, provider stand-ins closed after each test, and the Model
 * setup with every answer checked against the host API contract.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { HostCalls } from '../../../contract/host-api.js';
import { resolveStatePaths, type StatePaths } from '../../../../gateway/config/paths.js';
import {
  startOllamaStandIn,
  type OllamaStandIn,
} from '../../../../gateway/testing/ollama-stand-in.js';
import {
  startOpenAiStandIn,
  type OpenAiStandIn,
} from '../../../../gateway/testing/openai-stand-in.js';
import type { ModelSetupInput } from '../model-input.js';
import { ModelSetup } from '../model-setup.js';

export const KEY = 'sk-test-1234567890abcdWXYZ';

/** The host's answers must be what the contract promises the renderer. */
function conform<T>(name: keyof typeof HostCalls, value: T): T {
  expect(Value.Errors(HostCalls[name].result, value), `${name} result`).toEqual([]);
  return value;
}

export function useModelFixture() {
  let dir = '';
  let statePaths: StatePaths | undefined;
  const servers: Array<{ close(): Promise<void> }> = [];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-model-'));
    statePaths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(dir, 'state') });
    await fs.mkdir(statePaths.stateDir, { recursive: true });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  const paths = (): StatePaths => {
    if (!statePaths) throw new Error('useModelFixture: used outside a test');
    return statePaths;
  };
  return {
    paths,
    async openai(): Promise<OpenAiStandIn> {
      const s = await startOpenAiStandIn({ apiKey: KEY });
      servers.push(s);
      return s;
    },
    async ollama(options: { models: string[]; host?: string }): Promise<OllamaStandIn> {
      const s = await startOllamaStandIn(options);
      servers.push(s);
      return s;
    },
    setup(extra: Partial<ConstructorParameters<typeof ModelSetup>[0]> = {}) {
      const model = new ModelSetup({
        statePaths: paths,
        platform: 'linux',
        hostAddresses: () => [],
        ...extra,
      });
      return {
        view: async () => conform('model.get', await model.view()),
        catalog: async () => conform('model.catalog', await model.catalog()),
        ollama: async (url?: string) => conform('model.ollama', await model.ollama(url)),
        test: async (input: ModelSetupInput) => conform('model.test', await model.test(input)),
        save: async (input: ModelSetupInput) => conform('model.save', await model.save(input)),
      };
    },
    async writeConfig(value: unknown): Promise<string> {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      await fs.writeFile(paths().configPath, text, { mode: 0o600 });
      return text;
    },
    profilesFile: () => path.join(paths().agentsDir, 'main', 'agent', 'auth-profiles.json'),
    exists: (file: string) =>
      fs.stat(file).then(
        () => true,
        () => false,
      ),
  };
}
