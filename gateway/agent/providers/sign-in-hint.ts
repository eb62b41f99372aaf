/**
 * What to tell someone whose provider sign-in (an OAuth login, not an API key) no longer works:
 * the exact command to sign in again, in both the plain and the Docker stack form, because the
 * desktop app runs the CLI in a container and people copy whichever line they see first.
 */

const LOGIN_PROVIDERS = new Set(['openai-codex']);

/** Providers whose only credential is a login (no API key, no env variable). */
export function isLoginProvider(provider: string): boolean {
  return LOGIN_PROVIDERS.has(provider);
}

function loginCommands(provider: string, agentId: string): { plain: string; docker: string } {
  const args = `models auth login --provider ${provider}${agentId === 'main' ? '' : ` --agent ${agentId}`}`;
  return { plain: `openclaw ${args}`, docker: `docker compose run --rm openclaw-cli ${args}` };
}

export function signInAgainHint(provider: string, agentId = 'main'): string {
  if (!LOGIN_PROVIDERS.has(provider)) {
    return `The sign-in for ${provider} expired; sign in again or use an API key for ${provider}`;
  }
  const { plain, docker } = loginCommands(provider, agentId);
  return `The ChatGPT sign-in expired; run \`${plain}\` again (with the Docker stack: \`${docker}\`)`;
}

/** For a login provider with no stored login at all. */
export function signInNeededHint(provider: string, agentId = 'main'): string {
  const { plain, docker } = loginCommands(provider, agentId);
  return `No ChatGPT sign-in for agent "${agentId}" yet: run \`${plain}\` (with the Docker stack: \`${docker}\`), then try again`;
}
