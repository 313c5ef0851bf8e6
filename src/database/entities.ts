import { Account } from '../facilitators/account.entity.js';
import { FacilitatorAssignment } from '../facilitators/facilitator-assignment.entity.js';
import { Fellowship } from '../meetings/fellowship.entity.js';
import { MeetingGroup } from '../meetings/meeting-group.entity.js';
import { Meeting } from '../meetings/meeting.entity.js';
import { SigningKey } from '../attendance/signing-key.entity.js';
import { AuditEntry } from '../moderation/audit-entry.entity.js';
import { Ban } from '../moderation/ban.entity.js';
import { Participant } from '../participants/participant.entity.js';
import { MessageReport } from '../rooms/message-report.entity.js';
import { Message } from '../rooms/message.entity.js';
import { RoomMember } from '../rooms/room-member.entity.js';
import { Room } from '../rooms/room.entity.js';

/** Every entity class, registered once for the app, the tests and the migration CLI. */
export const ENTITIES: (new () => object)[] = [
  Account,
  FacilitatorAssignment,
  Fellowship,
  MeetingGroup,
  Meeting,
  Participant,
  Room,
  RoomMember,
  Message,
  MessageReport,
  Ban,
  AuditEntry,
  SigningKey,
];
