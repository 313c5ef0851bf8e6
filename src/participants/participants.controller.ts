import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { bearerToken } from '../auth/account.guard.js';
import { requestClientKey } from '../common/http/client-address.js';
import { ParticipantTokenDto } from './dto/participant-token.dto.js';
import { ParticipantsService } from './participants.service.js';

@ApiTags('participants')
@Controller('participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Post()
  @ApiCreatedResponse({
    type: ParticipantTokenDto,
    description: 'A new anonymous identity; nothing identifying is stored',
  })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: too many from this address (PARTICIPANT_ISSUE_PER_MINUTE)',
  })
  issue(@Req() req: Request): Promise<ParticipantTokenDto> {
    return this.participants.issue(requestClientKey(req));
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: ParticipantTokenDto, description: 'The same token with a later expiry' })
  @ApiTooManyRequestsResponse({
    description:
      'RATE_LIMITED: too many invalid tokens from this address (TOKEN_FAILURES_PER_MINUTE)',
  })
  refresh(@Req() req: Request): Promise<ParticipantTokenDto> {
    return this.participants.refresh(
      bearerToken(req.header('authorization')),
      requestClientKey(req),
    );
  }
}
