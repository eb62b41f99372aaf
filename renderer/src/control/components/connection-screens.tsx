/**
 * What a Control UI page shows while it is not connected: connecting, pairing required (with the
 * request id and both ways to approve it; the page gets in by itself once approved), refused (with
 * the one step that fixes it, and a token field where a token would), and unreachable.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  Button,
  Callout,
  CodeBlock,
  CopyButton,
  Field,
  Icon,
  Spinner,
  TextInput,
  TextWithCode,
} from '../../ui/index.js';
import { retryGateway, setGatewayToken } from '../connection/control-store.js';
import type { GatewayConnectionStatus } from '../connection/gateway-connection.js';
import { formatRelative, shortId } from '../format.js';
import { useNow } from './use-now.js';
import { useCliCommand } from '../../host/use-stack-hints.js';

type Status<S extends GatewayConnectionStatus['state']> = Extract<
  GatewayConnectionStatus,
  { state: S }
>;

function Screen({
  icon,
  tone,
  title,
  lead,
  children,
}: {
  icon: string;
  tone: 'accent' | 'warning' | 'danger' | 'neutral';
  title: string;
  lead?: string;
  children?: ReactNode;
}) {
  return (
    <div className="cui-screen">
      <section className="cui-screen__panel" aria-labelledby="cui-screen-title">
        <span className={`cui-screen__icon cui-screen__icon--${tone}`} aria-hidden="true">
          <Icon name={icon} size={24} />
        </span>
        <h1 id="cui-screen-title" className="cui-screen__title">
          {title}
        </h1>
        {lead ? <p className="cui-screen__lead">{lead}</p> : null}
        {children}
      </section>
    </div>
  );
}

export function ConnectingScreen({ url, note }: { url: string | null; note?: string }) {
  return (
    <div className="cui-screen" aria-busy="true">
      <div className="cui-screen__panel cui-screen__panel--quiet">
        <Spinner size="lg" label="Connecting to the gateway" />
        <p className="cui-screen__lead">
          Connecting to the gateway{url ? ` at ${url.replace(/^wss?:\/\//, '')}` : ''}…
        </p>
        {note ? <p className="cui-screen__lead ui-muted">{note}</p> : null}
      </div>
    </div>
  );
}

export function PairingRequiredScreen({ status }: { status: Status<'pairing-required'> }) {
  const now = useNow(1000);
  const id = status.requestId;
  const [checking, setChecking] = useState(false);
  // From the app the host names its stack folder, compose CLI, files and project; served by the
  // gateway alone the page cannot know them and shows the plain form.
  const hostCommand = useCliCommand(id ? ['devices', 'approve', id] : ['devices', 'list']);
  return (
    <Screen
      icon="shield"
      tone="accent"
      title="Pairing required — approve this device in OpenClaw Desktop"
      lead="This browser is new to the gateway. Someone with access to OpenClaw Desktop (or to the gateway's command line) has to let it in once. This page connects by itself as soon as it is approved."
    >
      <div className="cui-pairing">
        <div className="cui-pairing__id">
          <span className="cui-pairing__label" id="cui-request-label">
            Request ID
          </span>
          {id ? (
            <span className="cui-pairing__value">
              <code aria-labelledby="cui-request-label" data-testid="pairing-request-id">
                {id}
              </code>
              <CopyButton text={id} label="Copy request ID" iconOnly />
            </span>
          ) : (
            <span className="cui-pairing__value ui-muted">
              The gateway did not name the request; open the pending list in OpenClaw Desktop.
            </span>
          )}
        </div>
        <ol className="cui-steps">
          <li>
            <span className="cui-steps__title">In OpenClaw Desktop</span>
            <span className="cui-steps__text">
              Open <strong>Approvals</strong>, check that the request ID matches, and choose{' '}
              <strong>Approve</strong>.
            </span>
          </li>
          <li>
            <span className="cui-steps__title">Or from a terminal on the gateway machine</span>
            <CodeBlock
              code={`openclaw devices approve ${id ?? '<requestId>'}`}
              label="Command"
              prompt
            />
            {hostCommand ? (
              <>
                <span className="cui-steps__text ui-muted">
                  {hostCommand.shell === 'powershell'
                    ? 'With this app’s Docker stack, in PowerShell'
                    : 'With this app’s Docker stack'}
                  {id ? ':' : ' (lists the requests):'}
                </span>
                <CodeBlock code={hostCommand.command} label="Docker command" prompt />
              </>
            ) : (
              <>
                <span className="cui-steps__text ui-muted">
                  With the Docker setup, in the folder that holds docker-compose.yml:
                </span>
                <CodeBlock
                  code={`docker compose run --rm openclaw-cli devices approve ${id ?? '<requestId>'}`}
                  label="Docker command"
                  prompt
                />
              </>
            )}
          </li>
        </ol>
        <div className="cui-pairing__wait" role="status" aria-live="polite">
          <Spinner size="sm" decorative />
          <span className="cui-pairing__wait-text">
            Waiting for approval · checked {formatRelative(status.lastCheckedAt, now)}, again every{' '}
            {Math.round(status.retryEveryMs / 1000)} s
          </span>
          <Button
            size="sm"
            variant="ghost"
            icon="refresh"
            loading={checking}
            onClick={() => {
              setChecking(true);
              retryGateway();
              setTimeout(() => setChecking(false), 800);
            }}
          >
            Check now
          </Button>
        </div>
        {status.deviceId ? (
          <p className="cui-pairing__device ui-muted ui-text-xs">
            This browser's device ID:{' '}
            <code title={status.deviceId}>{shortId(status.deviceId)}</code>
          </p>
        ) : null}
      </div>
    </Screen>
  );
}

/** Renders `backticked` parts of a sentence as code (commands in next-step texts). */
export function WithCode({ text }: { text: string }) {
  return <TextWithCode text={text} />;
}

function TokenForm() {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) setGatewayToken(value.trim());
    setValue('');
  };
  return (
    <form className="cui-token-form" onSubmit={submit}>
      <Field
        label="Gateway token"
        hint="Kept in this browser tab only, and sent to this gateway only."
      >
        <TextInput
          type="password"
          mono
          value={value}
          autoComplete="off"
          onChange={(e) => setValue(e.currentTarget.value)}
          placeholder="Paste the token"
        />
      </Field>
      <div className="cui-refusal__actions">
        <Button type="submit" variant="primary" disabled={!value.trim()}>
          Connect
        </Button>
        <Button variant="ghost" icon="refresh" onClick={() => retryGateway()}>
          Try again
        </Button>
      </div>
    </form>
  );
}

export function AuthFailedScreen({ status }: { status: Status<'auth-failed'> }) {
  const now = useNow(1000);
  const { problem } = status;
  const waiting = status.retryAt !== null && status.retryAt > now;
  return (
    <Screen
      icon={waiting ? 'warning' : 'lock'}
      tone={waiting ? 'warning' : 'danger'}
      title={problem.title}
    >
      <div className="cui-refusal">
        <Callout tone={waiting ? 'warning' : 'info'} title="What to do">
          <WithCode text={problem.nextStep} />
        </Callout>
        {waiting ? (
          <p className="ui-muted" role="status">
            Trying again in {Math.ceil((status.retryAt! - now) / 1000)} s…
          </p>
        ) : null}
        {problem.canEnterToken ? (
          <TokenForm />
        ) : (
          <div className="cui-refusal__actions">
            <Button icon="refresh" onClick={() => retryGateway()}>
              Try again
            </Button>
          </div>
        )}
        <p className="cui-refusal__detail ui-muted ui-text-xs">
          The gateway said: <span className="ui-mono">{problem.message}</span>
        </p>
      </div>
    </Screen>
  );
}

export function UnreachableScreen({
  status,
  url,
}: {
  status: Status<'disconnected'>;
  url: string | null;
}) {
  const where = url ? url.replace(/^wss?:\/\//, '') : 'the gateway';
  return (
    <Screen
      icon="warning"
      tone="warning"
      title="Can't reach the gateway"
      lead={
        status.shutdownReason
          ? `The gateway is restarting (${status.shutdownReason}). This page reconnects by itself.`
          : `Nothing answers at ${where} right now. This page keeps trying by itself.`
      }
    >
      <div className="cui-refusal">
        <p className="ui-muted ui-text-sm">
          If it stays like this, check in OpenClaw Desktop that the gateway is running (Dashboard →
          Start). If it is running, this address may not be allowed to open the Control UI
          (gateway.controlUi.allowedOrigins).
        </p>
        <div className="cui-refusal__actions" role="status" aria-live="polite">
          <Spinner size="sm" decorative />
          <span className="ui-muted ui-text-sm">Reconnecting…</span>
          <Button size="sm" icon="refresh" onClick={() => retryGateway()}>
            Retry now
          </Button>
        </div>
      </div>
    </Screen>
  );
}

/** Over a page that was connected: its data stays visible (stale), the banner says why. */
export function ReconnectingBanner({ status }: { status: Status<'disconnected'> }) {
  return (
    <div className="cui-banner-wrap">
      <div className="cui-banner" role="status" aria-live="polite">
        <Spinner size="sm" decorative />
        <span className="cui-banner__text">
          {status.shutdownReason
            ? 'The gateway is restarting — reconnecting…'
            : 'Connection to the gateway lost — reconnecting…'}{' '}
          <span className="ui-muted">What you see may be out of date.</span>
        </span>
        <Button size="sm" variant="ghost" onClick={() => retryGateway()}>
          Retry now
        </Button>
      </div>
    </div>
  );
}
