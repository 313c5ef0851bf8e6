import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/**
 * This instance's id for the lifetime of the process: live connections are recorded per
 * instance, so those of an instance that died can be recognised and removed by the others.
 */
@Injectable()
export class NodeIdentity {
  readonly id = randomUUID();
}
