/**
 * `sandboxes.list` (operator.read) and `sandboxes.recreate` (operator.admin): the data of
 * `openclaw sandbox list/recreate`, through the gateway, for the Control UI and the app. The
 * gateway reaches the containers as its runs do (sandboxd, else the local engine).
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { Env, StatePaths } from '../../config/paths.js';
import type { Logger } from '../../infra/logger.js';
import type { MethodHandler } from '../../server/gateway-server.js';
import { parseSandboxesListParams, parseSandboxesRecreateParams } from './sandbox-params.js';

/**
 * The Docker client, the engine and the inventory load on the first call: the method table is
 * built at gateway start, which must not pay for dockerode.
 */
async function loadAdmin() {
  const [access, inventory] = await Promise.all([
    import('./sandbox-access.js'),
    import('./sandbox-inventory.js'),
  ]);
  return { ...access, ...inventory };
}

export interface SandboxMethodDeps {
  config(): { config: OpenClawConfig };
  env: Env;
  paths: StatePaths;
  logger?: Logger;
}

export function createSandboxMethods(deps: SandboxMethodDeps): Array<[string, MethodHandler]> {
  const listing = async (config: OpenClawConfig) => {
    const { openSandboxAccess, sandboxUnreachable, listSandboxes } = await loadAdmin();
    const access = await openSandboxAccess({
      config,
      env: deps.env,
      paths: deps.paths,
      logger: deps.logger,
    });
    try {
      return { access, listing: await listSandboxes(access.api, config, deps.paths) };
    } catch (err) {
      throw sandboxUnreachable(access, config, err);
    }
  };
  return [
    [
      'sandboxes.list',
      {
        handle: async (raw) => {
          const { browser } = parseSandboxesListParams(raw);
          const config = deps.config().config;
          const { containers, browsers } = (await listing(config)).listing;
          // With `browser` the browser sandboxes are the answer; the other list stays empty.
          if (browser) return { containers: [], browsers, nowMs: Date.now() };
          return { containers, browsers, nowMs: Date.now() };
        },
      },
    ],
    [
      'sandboxes.recreate',
      {
        handle: async (raw) => {
          const { target, browser } = parseSandboxesRecreateParams(raw);
          const config = deps.config().config;
          const { access, listing: current } = await listing(config);
          const { selectForRecreate, nothingMatched, removeSandboxes } = await loadAdmin();
          const rows = selectForRecreate(current, target, browser);
          if (rows.length === 0 && !('all' in target)) throw nothingMatched(target);
          const result = await removeSandboxes(access.api, rows);
          deps.logger?.info('sandboxes removed for recreation', { ...result });
          return result;
        },
      },
    ],
  ];
}
