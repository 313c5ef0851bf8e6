import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { AuthModule } from './auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { MeetingsModule } from './meetings/meetings.module.js';
import { ParticipantsModule } from './participants/participants.module.js';
import { RealtimeModule } from './rooms/realtime.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { AttendanceModule } from './attendance/attendance.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { FacilitatorAdminModule } from './facilitators/facilitator-admin.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  /** `databaseUrl` is DATABASE_URL, or the embedded server's URL when that is unset. */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ url: databaseUrl, poolSize: config.databasePoolSize }),
        HealthModule,
        AuthModule,
        MeetingsModule,
        ParticipantsModule,
        RoomsModule,
        ModerationModule,
        AttendanceModule,
        FacilitatorAdminModule,
        RealtimeModule,
        WebModule,
      ],
    };
  }
}
