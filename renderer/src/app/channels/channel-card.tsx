/**
 * One chat app on the Channels page: its accounts' live state with Start/Stop, the bot token
 * (Telegram, Discord; shown only as "set", never read back) or the WhatsApp link, who may write in
 * a DM, and turning the channel off (its settings stay, so turning it on again needs no re-entry).
 */
import { useState } from 'react';
import type {
  ChannelsView,
  ChannelSave,
  ChannelView,
  DmPolicyView,
} from '../../../../electron/contract/channel-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  ErrorState,
  Field,
  TextInput,
  toast,
} from '../../ui/index.js';
import { ChannelAccounts } from './channel-accounts.js';
import { DmPolicyForm } from './dm-policy-form.js';
import { WhatsAppLink } from './whatsapp-link.js';

const TOKEN_HELP: Record<'telegram' | 'discord', string> = {
  telegram:
    'Ask @BotFather on Telegram for /newbot; it sends the token (digits, a colon, letters).',
  discord:
    'Discord Developer Portal → your application → Bot → Reset Token. Turn on the Message Content intent there too.',
};

/** The same shape rules as the host's, so a typo is caught before anything is sent. */
export function tokenProblem(channel: 'telegram' | 'discord', token: string): string | undefined {
  const t = token.trim();
  if (t === '') return 'Paste the token first.';
  if (channel === 'telegram' && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(t))
    return 'That does not look like a Telegram bot token: digits, a colon, then about 35 letters, as @BotFather sends it.';
  if (channel === 'discord' && !/^[A-Za-z0-9._-]{50,}$/.test(t))
    return 'That does not look like a Discord bot token; copy the whole token from the Developer Portal (Bot → Reset Token).';
  return undefined;
}

function isChannelsView(v: unknown): v is ChannelsView {
  return typeof v === 'object' && v !== null && 'channels' in v && 'baseHash' in v;
}

export function ChannelCard({
  channel,
  baseHash,
  connected,
  onChanged,
}: {
  channel: ChannelView;
  baseHash: string | null;
  connected: boolean;
  /** After a change; a save hands over the view it returned (with the file's new hash). */
  onChanged: (saved?: ChannelsView) => void;
}) {
  const api = useHostApi();
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<{ what: string; error: HostError }>();
  const [confirmOff, setConfirmOff] = useState(false);
  const id = channel.channel;
  const usesToken = id === 'telegram' || id === 'discord';

  const run = async (key: string, what: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    setError(undefined);
    try {
      const result = await action();
      toast({ title: done, tone: 'success' });
      // A save's answer carries the new hash at once, so a second save right after is not
      // refused as a conflict with our own first one.
      onChanged(isChannelsView(result) ? result : undefined);
      return true;
    } catch (err) {
      setError({ what, error: toHostError(err) });
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const save = (
    key: string,
    what: string,
    patch: Omit<ChannelSave, 'channel' | 'baseHash'>,
    done: string,
  ) => run(key, what, () => api.call('channels.save', { channel: id, baseHash, ...patch }), done);

  const saveToken = async () => {
    if (!usesToken) return;
    const problem = tokenProblem(id, token);
    setTokenError(problem);
    if (problem) return;
    const ok = await save(
      'token',
      'save the token',
      { token: token.trim(), enabled: true },
      `${channel.label} token saved; the gateway connects with it in a moment`,
    );
    if (ok) setToken('');
  };
  const account = channel.accounts[0]?.accountId;
  const state = !channel.inConfig
    ? { label: 'Not set up', tone: 'neutral' as const }
    : !channel.enabled
      ? { label: 'Turned off', tone: 'neutral' as const }
      : channel.accounts.some((a) => a.connected)
        ? { label: 'Connected', tone: 'success' as const }
        : { label: 'Not connected', tone: 'warning' as const };

  return (
    <Card
      title={channel.label}
      description={<Badge tone={state.tone}>{state.label}</Badge>}
      actions={
        channel.inConfig ? (
          channel.enabled ? (
            <Button
              variant="ghost"
              icon="trash"
              aria-label={`Remove ${channel.label}`}
              onClick={() => setConfirmOff(true)}
            >
              Remove
            </Button>
          ) : (
            <Button
              variant="secondary"
              loading={busy === 'on'}
              onClick={() =>
                void save('on', 'turn it on', { enabled: true }, `${channel.label} turned on`)
              }
            >
              Turn on
            </Button>
          )
        ) : undefined
      }
    >
      <div className="channel-card">
        {channel.accounts.length > 0 ? (
          <ChannelAccounts
            accounts={channel.accounts}
            errorHint={
              usesToken
                ? 'In the app: paste a corrected token below and press Replace token, or press Start to try again.'
                : 'In the app: press Start to try again, or Log out and Link a phone again.'
            }
            busy={busy}
            onStart={(accountId) =>
              void run(
                `start:${accountId}`,
                'start it',
                () => api.call('channels.start', { channel: id, accountId }),
                `${channel.label} starting`,
              )
            }
            onStop={(accountId) =>
              void run(
                `stop:${accountId}`,
                'stop it',
                () => api.call('channels.stop', { channel: id, accountId }),
                `${channel.label} stopped`,
              )
            }
          />
        ) : null}
        {usesToken ? (
          <div className="channel-token">
            <Field
              label={channel.tokenSet ? 'Replace the bot token' : 'Bot token'}
              hint={
                channel.tokenSet
                  ? 'A token is set (it is never shown again). Paste a new one only to replace it.'
                  : TOKEN_HELP[id]
              }
              error={tokenError}
            >
              <TextInput
                type="password"
                mono
                autoComplete="off"
                spellCheck={false}
                value={token}
                placeholder={
                  channel.tokenSet ? '•••••••• set' : id === 'telegram' ? '123456789:AA…' : ''
                }
                onChange={(e) => (setToken(e.currentTarget.value), setTokenError(undefined))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') void saveToken();
                }}
              />
            </Field>
            <Button
              variant={channel.tokenSet ? 'secondary' : 'primary'}
              loading={busy === 'token'}
              disabled={token.trim() === '' || busy !== undefined}
              onClick={() => void saveToken()}
            >
              {channel.tokenSet ? 'Replace token' : `Add ${channel.label}`}
            </Button>
          </div>
        ) : (
          <div className="channel-whatsapp">
            {channel.accounts.some((a) => a.linked) ? (
              <p className="ui-text-sm">
                Linked{channel.accounts[0]?.identity ? ` as ${channel.accounts[0].identity}` : ''}.
              </p>
            ) : connected ? (
              <WhatsAppLink
                accountId={account}
                prepare={
                  channel.inConfig && channel.enabled
                    ? undefined
                    : async () => {
                        onChanged(
                          await api.call('channels.save', { channel: id, baseHash, enabled: true }),
                        );
                      }
                }
                onLinked={() => onChanged()}
              />
            ) : (
              <p className="ui-text-sm ui-muted">Start the gateway to link a phone.</p>
            )}
            {channel.accounts.some((a) => a.linked) ? (
              <Button
                variant="secondary"
                loading={busy === 'logout'}
                onClick={() =>
                  void run(
                    'logout',
                    'log out',
                    () =>
                      api.call('channels.logout', {
                        channel: id,
                        ...(account ? { accountId: account } : {}),
                      }),
                    'WhatsApp logged out; link a phone again to use it',
                  )
                }
              >
                Log out
              </Button>
            ) : null}
          </div>
        )}
        {channel.inConfig ? (
          <DmPolicyForm
            key={`${channel.dmPolicy}:${channel.allowFrom.join(',')}`}
            channel={channel}
            saving={busy === 'dm'}
            onSave={(dmPolicy: DmPolicyView, allowFrom: string[]) =>
              void save(
                'dm',
                'save who may message',
                { dmPolicy, allowFrom },
                'Saved who may message',
              )
            }
          />
        ) : null}
        {error ? (
          <ErrorState
            title={`Could not ${error.what}`}
            message={error.error.message}
            nextStep={nextStepFor(error.error) ?? 'Check the message above, then try again.'}
          />
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmOff}
        title={`Remove ${channel.label}?`}
        body="The channel is turned off and stops answering. Its token and settings stay in openclaw.json, so Turn on brings it back as it was."
        confirmLabel={`Turn off ${channel.label}`}
        tone="danger"
        busy={busy === 'off'}
        onCancel={() => setConfirmOff(false)}
        onConfirm={() =>
          void save('off', 'turn it off', { enabled: false }, `${channel.label} turned off`).then(
            () => setConfirmOff(false),
          )
        }
      />
    </Card>
  );
}
