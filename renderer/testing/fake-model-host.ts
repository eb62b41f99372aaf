/**
 * The fake host's Model step: the real host code (electron/host/model) on a temp state dir, with a
 * local Ollama stand-in as "Ollama on this computer", so the step can be clicked through and
 * screenshot without Docker or a paid provider. Built-in providers are called for real (a made-up
 * key gets the provider's own refusal, or "could not be reached" offline).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostImplementation } from '../../electron/host/api/host-api-handler.js';
import { ModelSetup } from '../../electron/host/model/model-setup.js';
import { resolveStatePaths } from '../../gateway/config/paths.js';
import { startOllamaStandIn, type OllamaStandIn } from '../../gateway/testing/ollama-stand-in.js';

type ModelCalls = Pick<
  HostImplementation,
  'model.get' | 'model.catalog' | 'model.ollama' | 'model.test' | 'model.save'
>;

export const FAKE_OLLAMA_MODELS = ['qwen3:8b', 'llama3.2:3b'];

export function fakeModelCalls(isSetUp: () => boolean): ModelCalls & { close(): Promise<void> } {
  const stateDir = path.join(os.tmpdir(), `openclaw-fake-host-${process.pid}`, 'state');
  let ollama: Promise<OllamaStandIn> | undefined;
  const standIn = () => (ollama ??= startOllamaStandIn({ models: FAKE_OLLAMA_MODELS }));
  const setup = async () => {
    if (isSetUp()) await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
    const server = await standIn();
    return new ModelSetup({
      statePaths: () => resolveStatePaths({ OPENCLAW_STATE_DIR: stateDir }),
      platform: process.platform,
      ollamaUrl: server.origin,
      hostAddresses: () => [],
    });
  };
  // Every test or save of the stand-in gets one answer.
  const answer = async () =>
    (await standIn()).script.enqueue({
      reply: 'text',
      text: 'Hello! I am running on your computer and ready to help.',
    });
  return {
    'model.get': async () => (await setup()).view(),
    'model.catalog': async () => (await setup()).catalog(),
    'model.ollama': async ({ url }) => (await setup()).ollama(url),
    'model.test': async (input) => (await answer(), (await setup()).test(input)),
    'model.save': async (input) => (await answer(), (await setup()).save(input)),
    close: async () => {
      if (ollama) await (await ollama).close();
      await fs.rm(path.dirname(stateDir), { recursive: true, force: true });
    },
  };
}
