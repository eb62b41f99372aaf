/**
 * The wizard's Chat apps step, after Sandbox: the Channels page's own cards (a Telegram or Discord
 * bot token, a WhatsApp link) so the agent can be reached from a chat app right away. Optional:
 * Skip and Continue both go on, whatever the cards say (an error stays on its card).
 */
import { Button } from '../../ui/index.js';
import { ChannelList, useChannels } from '../channels/channel-list.js';

export function ChannelsStep({ onDone }: { onDone: () => void }) {
  const state = useChannels();
  const anySetUp = state.view?.channels.some((c) => c.inConfig && c.enabled) ?? false;
  return (
    <div className="setup-step">
      <div className="setup-step__intro">
        <h2 className="setup-step__title">Chat apps (optional)</h2>
        <p className="setup-step__lead">
          Talk to your agent from Telegram, Discord or WhatsApp; new senders ask first and you
          approve them on Approvals.
        </p>
      </div>
      <ChannelList
        state={state}
        errorNextStep="Skip this step; you can add chat apps later on the Channels page."
      />
      <div className="setup-step__footer">
        {anySetUp ? null : (
          <Button variant="ghost" onClick={onDone}>
            Skip for now
          </Button>
        )}
        <div className="setup-step__footer-end">
          <Button variant="primary" icon="chevron-right" iconEnd onClick={onDone}>
            Continue
          </Button>
        </div>
      </div>
    </div>
  );
}
