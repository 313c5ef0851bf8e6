import { isoInstant } from '../common/instants.js';
import type { MemberView, MessageView } from './room-events.js';
import type { MemberRow, MessageRow } from './rooms.repository.js';

/**
 * A lasting mute is stored as 'infinity', which the driver reads back as the number Infinity
 * rather than a Date.
 */
export function isMuted(member: Pick<MemberRow, 'muted_until'>, now: Date = new Date()): boolean {
  const until = member.muted_until;
  if (until === null) return false;
  return typeof until === 'number' ? until > now.getTime() : until.getTime() > now.getTime();
}

export function toMemberView(member: MemberRow, now: Date = new Date()): MemberView {
  return {
    memberId: member.id,
    handle: member.handle,
    role: member.role,
    handRaised: member.hand_raised_at !== null,
    muted: isMuted(member, now),
  };
}

export function toMessageView(
  message: MessageRow,
  pinnedMessageId: string | null = null,
): MessageView {
  return {
    id: message.id,
    roomId: message.room_id,
    seq: Number(message.seq),
    clientId: message.client_id,
    body: message.body,
    author: {
      memberId: message.member_id,
      handle: message.author_handle,
      role: message.author_role,
    },
    createdAt: isoInstant(message.created_at),
    pinned: pinnedMessageId === message.id,
  };
}
