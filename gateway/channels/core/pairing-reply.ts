/** The one message an unknown sender gets under `dmPolicy: "pairing"`. */
import type { ChannelId } from '../contract.js';

export function pairingReplyText(
  label: string,
  channel: ChannelId,
  senderId: string,
  code: string,
): string {
  return [
    `This agent answers only people its owner has approved.`,
    `Your ${label} id: ${senderId}`,
    `Pairing code: ${code}`,
    '',
    'Ask the owner to approve you by running:',
    `openclaw pairing approve ${channel} ${code}`,
    '',
    'The code expires in one hour.',
  ].join('\n');
}
