import { Global, Module } from '@nestjs/common';
import { FacilitatorsModule } from '../facilitators/facilitators.module.js';
import { AccessTokensService } from './access-tokens.service.js';
import { AccountGuard } from './account.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';

/** Global: every feature guards its writes with AccountGuard. */
@Global()
@Module({
  imports: [FacilitatorsModule],
  controllers: [AuthController],
  providers: [AccessTokensService, AuthService, AccountGuard],
  exports: [AuthService, AccessTokensService, AccountGuard],
})
export class AuthModule {}
