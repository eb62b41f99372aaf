export { runSandboxd, type RunSandboxdOptions, type RunningSandboxd } from './run-sandboxd.js';
export { createSandboxdServer, type SandboxdServerOptions } from './sandboxd-server.js';
export { SandboxClient, type SandboxClientOptions } from './sandbox-client.js';
export { SANDBOXD_PATHS } from './wire.js';
