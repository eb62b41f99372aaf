/**
 * Channels: talk to the agent from Telegram, Discord and WhatsApp. Each chat app shows what the
 * gateway reports about it (connected, identity, last messages, last error) next to what
 * openclaw.json says, so a channel set up while the gateway is stopped still shows.
 */
import { Button, Page, PageHeader } from '../../ui/index.js';
import { ChannelList, useChannels } from '../channels/channel-list.js';

export function ChannelsPage() {
  const state = useChannels();
  return (
    <Page>
      <PageHeader
        title="Channels"
        description="Talk to your agent from Telegram, Discord or WhatsApp. New senders ask first; you approve them on Approvals."
        actions={
          <Button
            icon="refresh"
            onClick={state.reload}
            loading={state.loading && Boolean(state.view)}
          >
            Refresh
          </Button>
        }
      />
      <ChannelList
        state={state}
        errorNextStep="Finish the setup on the Dashboard first, then retry."
      />
    </Page>
  );
}
