import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { toMeetingGuideEntry } from './formats/meeting-guide-feed.js';
import { MeetingsRepository } from './meetings.repository.js';
import { MeetingsService } from './meetings.service.js';

const PAGE = 1000;

/**
 * The whole active directory as one Meeting Guide JSON array, written page by page: memory stays
 * flat however large the directory, and a client that goes away stops the export.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly repository: MeetingsRepository,
    private readonly meetings: MeetingsService,
  ) {}

  async writeMeetingGuideFeed(res: Response): Promise<void> {
    res.status(200).type('application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.write('[');
    const now = new Date();
    let after: string | null = null;
    let first = true;
    for (;;) {
      const rows = await this.repository.findActivePage(after, PAGE);
      if (rows.length === 0 || res.destroyed) break;
      const entries = (await this.meetings.toResponses(rows, now)).map((m) =>
        JSON.stringify(toMeetingGuideEntry(m)),
      );
      const chunk = (first ? '' : ',') + entries.join(',');
      first = false;
      if (!res.write(chunk)) await once(res, 'drain');
      after = rows[rows.length - 1]?.id ?? null;
      if (rows.length < PAGE) break;
    }
    res.end(']');
  }
}
