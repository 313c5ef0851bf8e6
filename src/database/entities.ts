import { Account } from '../facilitators/account.entity.js';
import { FacilitatorAssignment } from '../facilitators/facilitator-assignment.entity.js';
import { Fellowship } from '../meetings/fellowship.entity.js';
import { MeetingGroup } from '../meetings/meeting-group.entity.js';
import { Meeting } from '../meetings/meeting.entity.js';

/** Every entity class, registered once for the app, the tests and the migration CLI. */
export const ENTITIES: (new () => object)[] = [
  Account,
  FacilitatorAssignment,
  Fellowship,
  MeetingGroup,
  Meeting,
];
