import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import { QueryFailedError, type DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import { RoomBroadcaster } from '../rooms/realtime/room-broadcaster.js';
import type {
  AssignmentDto,
  CreateAssignmentDto,
  CreateFacilitatorDto,
  FacilitatorDto,
  FacilitatorListDto,
  UpdateFacilitatorDto,
} from './dto/facilitator.dto.js';

interface AccountRow {
  id: string;
  email: string;
  display_name: string;
  role: 'admin' | 'facilitator';
  disabled: boolean;
  created_at: Date;
}

interface AssignmentRow {
  id: string;
  account_id: string;
  group_id: string | null;
  group_name: string | null;
  meeting_slug: string | null;
  room_id: string | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admins manage facilitator accounts and what each may look after. */
@Injectable()
export class FacilitatorAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcaster: RoomBroadcaster,
  ) {}

  async create(dto: CreateFacilitatorDto): Promise<FacilitatorDto> {
    try {
      const rows = await this.dataSource.query<{ id: string }[]>(
        `INSERT INTO account (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id`,
        [
          dto.email.trim().toLowerCase(),
          dto.displayName.trim(),
          await hash(dto.password),
          dto.role ?? 'facilitator',
        ],
      );
      return this.get(rows[0]?.id as string);
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { constraint?: string }).constraint === 'account_email_unique'
      ) {
        throw new DomainError('CONFLICT', 'An account with that email already exists', [
          { field: 'email', message: 'taken' },
        ]);
      }
      throw err;
    }
  }

  async list(): Promise<FacilitatorListDto> {
    const accounts = await this.dataSource.query<AccountRow[]>(
      `SELECT * FROM account ORDER BY created_at, id`,
    );
    const assignments = await this.assignments(undefined);
    return {
      items: accounts.map((a) =>
        this.toDto(
          a,
          assignments.filter((x) => x.account_id === a.id),
        ),
      ),
      nextCursor: null,
    };
  }

  async get(id: string): Promise<FacilitatorDto> {
    const account = await this.find(id);
    return this.toDto(account, await this.assignments(id));
  }

  async update(id: string, dto: UpdateFacilitatorDto): Promise<FacilitatorDto> {
    const account = await this.find(id);
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown): void => {
      values.push(value);
      sets.push(`${column} = $${values.length + 1}`);
    };
    if (dto.role !== undefined) set('role', dto.role);
    if (dto.disabled !== undefined) set('disabled', dto.disabled);
    if (dto.displayName !== undefined) set('display_name', dto.displayName.trim());
    if (dto.password !== undefined) set('password_hash', await hash(dto.password));
    if (sets.length > 0) {
      await this.dataSource.transaction(async (tx) => {
        // Changes to admins take turns, so two admins demoting each other cannot both succeed.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('account-admins'))`);
        const current = await tx.query<{ role: string }[]>(
          `SELECT role FROM account WHERE id = $1`,
          [id],
        );
        const losesAdmin =
          current[0]?.role === 'admin' && (dto.role === 'facilitator' || dto.disabled === true);
        if (losesAdmin) {
          const others = await tx.query<unknown[]>(
            `SELECT 1 FROM account WHERE role = 'admin' AND NOT disabled AND id <> $1 LIMIT 1`,
            [id],
          );
          if (others.length === 0)
            throw new DomainError(
              'CONFLICT',
              'The last enabled admin cannot be demoted or disabled',
            );
        }
        await tx.query(`UPDATE account SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [
          id,
          ...values,
        ]);
      });
    }
    // Sockets carry the account's powers: end them when those powers change.
    if (
      dto.disabled === true ||
      (dto.role !== undefined && dto.role !== account.role) ||
      dto.password !== undefined
    ) {
      this.broadcaster.disconnectAccount(id);
    }
    return this.get(id);
  }

  async assign(id: string, dto: CreateAssignmentDto): Promise<AssignmentDto> {
    await this.find(id);
    const given = [dto.groupId, dto.meetingSlug, dto.roomId].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'Give exactly one of groupId, meetingSlug and roomId',
        [{ message: 'exactly one of groupId, meetingSlug, roomId' }],
      );
    }
    let target: { column: string; value: string };
    if (dto.groupId !== undefined) {
      if (
        (
          await this.dataSource.query<unknown[]>(`SELECT 1 FROM meeting_group WHERE id = $1`, [
            dto.groupId,
          ])
        ).length === 0
      ) {
        throw new DomainError('NOT_FOUND', 'No such group');
      }
      target = { column: 'group_id', value: dto.groupId };
    } else if (dto.meetingSlug !== undefined) {
      const rows = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM meeting WHERE slug = $1`,
        [dto.meetingSlug],
      );
      if (rows[0] === undefined) throw new DomainError('NOT_FOUND', 'No such meeting');
      target = { column: 'meeting_id', value: rows[0].id };
    } else {
      if (
        (await this.dataSource.query<unknown[]>(`SELECT 1 FROM room WHERE id = $1`, [dto.roomId]))
          .length === 0
      ) {
        throw new DomainError('NOT_FOUND', 'No such room');
      }
      target = { column: 'room_id', value: dto.roomId as string };
    }
    const existing = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM facilitator_assignment WHERE account_id = $1 AND ${target.column} = $2`,
      [id, target.value],
    );
    const assignmentId =
      existing[0]?.id ??
      (
        await this.dataSource.query<{ id: string }[]>(
          `INSERT INTO facilitator_assignment (account_id, ${target.column}) VALUES ($1, $2) RETURNING id`,
          [id, target.value],
        )
      )[0]?.id;
    const row = (await this.assignments(id)).find((a) => a.id === assignmentId);
    if (row === undefined) throw new Error('assignment vanished');
    return toAssignmentDto(row);
  }

  async listAssignments(id: string): Promise<AssignmentDto[]> {
    await this.find(id);
    return (await this.assignments(id)).map(toAssignmentDto);
  }

  async unassign(id: string, assignmentId: string): Promise<void> {
    if (!UUID.test(assignmentId)) throw new DomainError('NOT_FOUND', 'No such assignment');
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH gone AS (DELETE FROM facilitator_assignment WHERE id = $1 AND account_id = $2 RETURNING id) SELECT id FROM gone`,
      [assignmentId, id],
    );
    if (rows.length === 0) throw new DomainError('NOT_FOUND', 'No such assignment');
    // Open sockets carry the powers the assignment gave: they reconnect with what is left.
    this.broadcaster.disconnectAccount(id);
  }

  private async find(id: string): Promise<AccountRow> {
    const rows = UUID.test(id)
      ? await this.dataSource.query<AccountRow[]>(`SELECT * FROM account WHERE id = $1`, [id])
      : [];
    if (rows[0] === undefined) throw new DomainError('NOT_FOUND', 'No such account');
    return rows[0];
  }

  private assignments(accountId: string | undefined): Promise<AssignmentRow[]> {
    return this.dataSource.query<AssignmentRow[]>(
      `SELECT a.id, a.account_id, a.group_id, g.name AS group_name, m.slug AS meeting_slug, a.room_id, a.created_at
       FROM facilitator_assignment a
       LEFT JOIN meeting_group g ON g.id = a.group_id LEFT JOIN meeting m ON m.id = a.meeting_id
       WHERE $1::uuid IS NULL OR a.account_id = $1::uuid
       ORDER BY a.created_at, a.id`,
      [accountId ?? null],
    );
  }

  private toDto(a: AccountRow, assignments: AssignmentRow[]): FacilitatorDto {
    return {
      id: a.id,
      email: a.email,
      displayName: a.display_name,
      role: a.role,
      disabled: a.disabled,
      createdAt: isoInstant(a.created_at),
      assignments: assignments.map(toAssignmentDto),
    };
  }
}

function toAssignmentDto(a: AssignmentRow): AssignmentDto {
  return {
    id: a.id,
    groupId: a.group_id,
    groupName: a.group_name,
    meetingSlug: a.meeting_slug,
    roomId: a.room_id,
    createdAt: isoInstant(a.created_at),
  };
}
