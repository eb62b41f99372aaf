/**
 * Who may write to the agent in a direct message on one chat app: pairing (the default: a new
 * sender gets a code the user approves), an allowlist of sender ids, open to anyone (with a
 * warning), or no DMs at all. Checked here first with the same rules the host applies, so a
 * refused choice stays on screen with the reason and nothing is written.
 */
import { useState } from 'react';
import type { ChannelView, DmPolicyView } from '../../../../electron/contract/channel-schemas.js';
import { Button, Callout, ChipsInput, RadioCards } from '../../ui/index.js';

const CHOICES = [
  {
    value: 'pairing' as const,
    title: 'Pairing',
    description: 'New senders get a code; you approve them on Approvals.',
  },
  {
    value: 'allowlist' as const,
    title: 'Allowlist',
    description: 'Only the sender ids listed below.',
  },
  { value: 'open' as const, title: 'Open', description: 'Anyone who finds the bot.' },
  { value: 'disabled' as const, title: 'No DMs', description: 'Direct messages are ignored.' },
];

export function dmPolicyProblem(
  policy: DmPolicyView,
  allowFrom: readonly string[],
): string | undefined {
  if (policy === 'allowlist' && allowFrom.filter((s) => s !== '*').length === 0)
    return 'Add at least one sender id, or choose Pairing to approve senders one by one.';
  return undefined;
}

export function DmPolicyForm({
  channel,
  saving,
  onSave,
}: {
  channel: ChannelView;
  saving: boolean;
  onSave: (policy: DmPolicyView, allowFrom: string[]) => void;
}) {
  const [policy, setPolicy] = useState<DmPolicyView>(channel.dmPolicy);
  const [allowFrom, setAllowFrom] = useState<string[]>(channel.allowFrom.filter((s) => s !== '*'));
  const problem = dmPolicyProblem(policy, allowFrom);
  const changed =
    policy !== channel.dmPolicy ||
    allowFrom.join('\n') !== channel.allowFrom.filter((s) => s !== '*').join('\n');
  return (
    <div className="channel-dm">
      <RadioCards
        legend="Who may message the agent directly"
        value={policy}
        onChange={setPolicy}
        options={CHOICES}
        columns={2}
      />
      {policy === 'open' ? (
        <Callout tone="warning" title="Anyone can talk to your agent">
          Whoever finds the bot can use your model and, with tools, act on this computer. Prefer
          Pairing unless the bot is private.
        </Callout>
      ) : null}
      {policy === 'allowlist' || policy === 'pairing' ? (
        <ChipsInput
          label={policy === 'allowlist' ? 'Allowed sender ids' : 'Already allowed (optional)'}
          hint={
            channel.channel === 'telegram'
              ? 'Numeric Telegram user ids (approving a pairing code adds one for you).'
              : channel.channel === 'discord'
                ? 'Discord user ids (Developer Mode → Copy User ID).'
                : 'Phone numbers with country code, e.g. +15551234567.'
          }
          values={allowFrom}
          onChange={setAllowFrom}
          placeholder="Type an id and press Enter"
          validate={(v, current) =>
            current.includes(v)
              ? 'Already in the list.'
              : v === '*'
                ? 'Choose Open to let anyone in.'
                : /\s/.test(v)
                  ? 'One id per chip, without spaces.'
                  : undefined
          }
          error={problem}
          max={200}
        />
      ) : null}
      <div className="channel-actions">
        <Button
          variant="primary"
          disabled={!changed || problem !== undefined}
          loading={saving}
          onClick={() => onSave(policy, allowFrom)}
        >
          Save who may message
        </Button>
      </div>
    </div>
  );
}
