import { isoInstant } from '../common/instants.js';
import type { MemberView, MessageView } from './room-events.js';
import type { MemberRow, MessageRow } from './rooms.repository.js';

export function toMemberView(member: MemberRow, now: Date = new Date()): MemberView {
  return {
    memberId: member.id,
    handle: member.handle,
    role: member.role,
    handRaised: member.hand_raised_at !== null,
    muted: member.muted_until !== null && member.muted_until.getTime() > now.getTime(),
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
