// @ts-check
/**
 * Build-time stand-in for `ssh2` in the gateway bundle. dockerode (the sandbox engine's Docker
 * client) loads it for `ssh://` engine addresses only; the gateway and sandboxd reach the engine
 * through a unix socket or TCP. The real package carries native addons the bundle cannot hold, so
 * an ssh:// address gets this clear error instead.
 */
export class Client {
  constructor() {
    throw new Error(
      'The gateway and sandboxd reach Docker through a unix socket or tcp://, not ssh://: set DOCKER_HOST accordingly.',
    );
  }
}

export default { Client };
