import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AccountGuard, Roles } from '../auth/account.guard.js';
import {
  AssignmentDto,
  CreateAssignmentDto,
  CreateFacilitatorDto,
  FacilitatorDto,
  FacilitatorListDto,
  UpdateFacilitatorDto,
} from './dto/facilitator.dto.js';
import { FacilitatorAdminService } from './facilitator-admin.service.js';

@ApiTags('facilitators')
@ApiBearerAuth()
@UseGuards(AccountGuard)
@Roles('admin')
@Controller('facilitators')
export class FacilitatorAdminController {
  constructor(private readonly admin: FacilitatorAdminService) {}

  @Post()
  @ApiCreatedResponse({ type: FacilitatorDto })
  create(@Body() dto: CreateFacilitatorDto): Promise<FacilitatorDto> {
    return this.admin.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: FacilitatorListDto })
  list(): Promise<FacilitatorListDto> {
    return this.admin.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: FacilitatorDto })
  get(@Param('id') id: string): Promise<FacilitatorDto> {
    return this.admin.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: FacilitatorDto })
  update(@Param('id') id: string, @Body() dto: UpdateFacilitatorDto): Promise<FacilitatorDto> {
    return this.admin.update(id, dto);
  }

  @Post(':id/assignments')
  @ApiCreatedResponse({ type: AssignmentDto })
  assign(@Param('id') id: string, @Body() dto: CreateAssignmentDto): Promise<AssignmentDto> {
    return this.admin.assign(id, dto);
  }

  @Get(':id/assignments')
  @ApiOkResponse({ type: [AssignmentDto] })
  assignments(@Param('id') id: string): Promise<AssignmentDto[]> {
    return this.admin.listAssignments(id);
  }

  @Delete(':id/assignments/:assignmentId')
  @HttpCode(204)
  @ApiNoContentResponse()
  unassign(@Param('id') id: string, @Param('assignmentId') assignmentId: string): Promise<void> {
    return this.admin.unassign(id, assignmentId);
  }
}
