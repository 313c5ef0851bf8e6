import { Module } from '@nestjs/common';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { ParticipantsModule } from '../participants/participants.module.js';
import { ClusterPeers } from './realtime/cluster-peers.js';
import { NodeIdentity } from './realtime/node-identity.js';
import { RoomBroadcaster } from './realtime/room-broadcaster.js';
import { SocketAuth } from './realtime/socket-auth.js';
import { RoomJobsService } from './room-jobs.service.js';
import { RoomSessionsService } from './room-sessions.service.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [MeetingsModule, ParticipantsModule],
  controllers: [RoomsController],
  providers: [
    RoomsRepository,
    RoomsService,
    RoomSessionsService,
    RoomBroadcaster,
    NodeIdentity,
    ClusterPeers,
    SocketAuth,
    RoomJobsService,
  ],
  exports: [RoomsService, RoomsRepository, RoomBroadcaster, RoomSessionsService, SocketAuth],
})
export class RoomsModule {}
