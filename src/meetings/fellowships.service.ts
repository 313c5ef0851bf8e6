import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Fellowship, type Program } from './fellowship.entity.js';

export interface FellowshipInfo {
  id: string;
  slug: string;
  name: string;
  program: Program;
}

/**
 * Fellowships are reference data that only migrations change, so one read per process is
 * enough; every search resolves slugs and programs through this cache.
 */
@Injectable()
export class FellowshipsService {
  private loaded: Promise<FellowshipInfo[]> | undefined;

  constructor(@InjectRepository(Fellowship) private readonly fellowships: Repository<Fellowship>) {}

  all(): Promise<FellowshipInfo[]> {
    this.loaded ??= this.fellowships
      .find({ order: { slug: 'ASC' } })
      .then((rows) => rows.map(({ id, slug, name, program }) => ({ id, slug, name, program })))
      .catch((err: unknown) => {
        this.loaded = undefined;
        throw err;
      });
    return this.loaded;
  }

  async slugs(): Promise<Set<string>> {
    return new Set((await this.all()).map((f) => f.slug));
  }

  async bySlug(slug: string): Promise<FellowshipInfo | undefined> {
    return (await this.all()).find((f) => f.slug === slug);
  }

  async byId(id: string): Promise<FellowshipInfo | undefined> {
    return (await this.all()).find((f) => f.id === id);
  }
}
