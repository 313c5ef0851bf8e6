import type { ErrorCode } from '../common/errors/error-codes.js';
import type { RedactionKind } from './safety/redaction.js';

/**
 * The realtime contract of namespace /rooms in one place: every event's payload and ack type
 * (CONTRACT.md §3). Handlers, tests and docs/realtime.md follow this file.
 */

export type MemberRole = 'participant' | 'facilitator';

export interface MemberView {
  memberId: string;
  handle: string;
  role: MemberRole;
  handRaised: boolean;
  muted: boolean;
}

export interface MessageView {
  id: string;
  roomId: string;
  seq: number;
  clientId: string;
  body: string;
  author: { memberId: string; handle: string; role: MemberRole };
  createdAt: string;
  pinned: boolean;
}

export interface RoomStateView {
  id: string;
  name: string;
  status: 'scheduled' | 'open' | 'closed';
  locked: boolean;
  slowModeSeconds: number;
  waitingRoom: boolean;
  pinned: MessageView | null;
  shareQueue: string[];
  floor: { memberId: string; endsAt: string } | null;
}

export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

export interface JoinAck {
  room: RoomStateView;
  self: MemberView;
  members: MemberView[];
  messages: MessageView[];
  /** Facilitators only: who is in the waiting room. */
  waiting?: MemberView[];
}

/** The sender learns what was taken out of their message (contact details). */
export type SentMessageAck = MessageView & { redactions: RedactionKind[] };

/** Every event a client may send (others are answered VALIDATION_FAILED). */
export const CLIENT_EVENT_NAMES: ReadonlySet<string> = new Set([
  'room:join',
  'room:leave',
  'message:send',
  'room:sync',
  'message:history',
  'message:report',
  'hand:raise',
  'hand:lower',
  'typing',
  'attendance:certificate',
  'mod:mute',
  'mod:unmute',
  'mod:kick',
  'mod:ban',
  'mod:delete',
  'mod:pin',
  'mod:admit',
  'room:update',
  'share:next',
  'share:end',
  'room:close',
]);

/** Client → server events with their ack data. */
export interface ClientEvents {
  'room:join': JoinAck;
  'room:leave': Record<string, never>;
  'message:send': SentMessageAck;
  'room:sync': { messages: MessageView[]; hasMore: boolean };
  'message:history': { messages: MessageView[] };
  'message:report': { reportId: string };
  'hand:raise': { position: number };
  'hand:lower': Record<string, never>;
  typing: never;
  'attendance:certificate': {
    code: string;
    verifyUrl: string;
    meetingName: string;
    fellowship: string | null;
    startedAt: string;
    minutesPresent: number;
  };
  'mod:mute': Record<string, never>;
  'mod:unmute': Record<string, never>;
  'mod:kick': Record<string, never>;
  'mod:ban': Record<string, never>;
  'mod:delete': Record<string, never>;
  'mod:pin': RoomStateView;
  'mod:admit': Record<string, never>;
  'room:update': RoomStateView;
  'share:next': RoomStateView;
  'share:end': RoomStateView;
  'room:close': Record<string, never>;
}

export interface SafetyResource {
  name: string;
  phone?: string;
  sms?: string;
  url: string;
}

/** Server → client events with their payloads. */
export interface ServerEvents {
  'message:new': MessageView;
  'message:deleted': { roomId: string; messageId: string };
  presence: { roomId: string; members: MemberView[] };
  typing: { roomId: string; memberId: string; handle: string };
  'room:state': RoomStateView;
  moderation: {
    roomId: string;
    action: 'muted' | 'unmuted' | 'kicked' | 'banned' | 'admitted';
    until?: string;
    reason?: string;
  };
  safety: { roomId: string; resources: SafetyResource[] };
  'report:new': { reportId: string; roomId: string; messageId: string; reason: string };
  'room:closed': { roomId: string };
  /** Ours, beyond the contract: who is in the waiting room, for the room's facilitators. */
  'room:waiting': { roomId: string; members: MemberView[] };
  /** Ours, beyond the contract: a crisis message, for the room's facilitators only. */
  'safety:alert': { roomId: string; memberId: string; messageId: string; kinds: string[] };
}

/** Socket.IO rooms (channels) the service uses. */
export const channels = {
  room: (roomId: string) => `room:${roomId}`,
  member: (memberId: string) => `member:${memberId}`,
  facilitators: (roomId: string) => `facilitators:${roomId}`,
  account: (accountId: string) => `account:${accountId}`,
};
