// Shapes of the public API (CONTRACT.md, src/**/dto, src/rooms/room-events.ts), as the client sees them.

export type Attendance = 'in_person' | 'online' | 'hybrid' | 'inactive';

export interface Meeting {
  slug: string;
  name: string;
  fellowship: string;
  day: number | number[];
  time: string;
  end_time: string;
  timezone: string;
  types: string[];
  attendance_option: Attendance;
  location: string | null;
  formatted_address: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  approximate: 'yes' | 'no';
  region: string | null;
  sub_region: string | null;
  conference_url: string | null;
  conference_url_notes: string | null;
  conference_phone: string | null;
  conference_phone_notes: string | null;
  notes: string | null;
  location_notes: string | null;
  group: string | null;
  group_notes: string | null;
  groupId?: string | null;
  url: string | null;
  updated: string;
  roomId: string | null;
  nextStart: string | null;
  nextEnd: string | null;
  inProgress: boolean;
  distanceKm: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Fellowship {
  slug: string;
  name: string;
  program: string;
}

export interface MeetingType {
  code: string;
  name: string;
  fellowship: string | null;
  description: string | null;
}

export interface HomeData {
  page: 'home';
  now: string;
  inProgress: Meeting[];
  startingSoon: Meeting[];
}

export interface Room {
  id: string;
  name: string;
  meetingSlug: string | null;
  status: 'scheduled' | 'open' | 'closed';
  opensAt: string | null;
  closesAt: string | null;
  memberCount: number;
  locked: boolean;
  waitingRoom?: boolean;
  slowModeSeconds?: number;
  shareSeconds?: number;
  guidelines?: string | null;
}

export interface ParticipantToken {
  participantId: string;
  token: string;
  expiresAt: string;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: 'admin' | 'facilitator';
}

export interface LoginResponse {
  accessToken: string;
  expiresIn: number;
  account: Account;
}

export interface Assignment {
  id: string;
  groupId: string | null;
  groupName: string | null;
  meetingSlug: string | null;
  roomId: string | null;
  createdAt: string;
}

export interface Facilitator extends Account {
  disabled: boolean;
  createdAt: string;
  assignments: Assignment[];
}

export interface Report {
  id: string;
  roomId: string;
  roomName: string;
  messageId: string;
  message: {
    seq: number;
    body: string | null;
    author: { memberId: string; handle: string };
  } | null;
  reporterMemberId: string;
  reason: string;
  status: 'open' | 'resolved';
  createdAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; displayName: string };
  action: string;
  roomId: string | null;
  memberId?: string;
  messageId?: string;
  reason?: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  errors: { index: number; slug?: string; message: string }[];
}

// Realtime (namespace /rooms)

// One definition of the realtime shapes, the server's: a change there is a type error here.
export type {
  JoinAck,
  MemberRole,
  MemberView as Member,
  MessageView as Message,
  RoomStateView as RoomState,
  SafetyResource,
} from '../../src/rooms/room-events.js';

/** An ack as the client handles it: an error code it does not know is still shown. */
export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface Certificate {
  code: string;
  verifyUrl: string;
  meetingName: string;
  fellowship: string | null;
  startedAt: string;
  minutesPresent: number;
}

export type ModerationAction = 'muted' | 'unmuted' | 'kicked' | 'banned' | 'admitted';
