/**
 * ChatGPT / Codex sign-in is an OAuth login with a browser round trip; the CLI container runs it
 * (it prints a link and takes the pasted redirect URL), so the step shows that command to copy.
 */
import { useCliCommand } from '../../host/use-stack-hints.js';
import { Callout, CodeBlock, TextWithCode } from '../../ui/index.js';

const ARGS = ['models', 'auth', 'login', '--provider', 'openai-codex'];
const PLAIN = `docker compose run --rm openclaw-cli ${ARGS.join(' ')}`;

export function CodexSignIn() {
  // The host quotes the stack folder and compose command for this computer's shell.
  const command = useCliCommand(ARGS)?.command ?? PLAIN;
  return (
    <div className="model-form__codex">
      <p>
        Sign in with your ChatGPT account in a terminal: run this command, open the link it prints,
        sign in, and paste the address your browser ends on back into the terminal.
      </p>
      <CodeBlock code={command} label="Command" prompt />
      <Callout tone="info" title="This sign-in runs in a terminal for now">
        <TextWithCode text="The app does not run the ChatGPT sign-in itself yet. After signing in, the gateway lists the Codex models as available; make one the agent’s model with the same CLI container: `models set openai-codex/<model>`." />
      </Callout>
    </div>
  );
}
