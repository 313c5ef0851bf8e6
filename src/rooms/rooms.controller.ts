import { Body, Controller, Get, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountGuard, CurrentAccount } from '../auth/account.guard.js';
import type { Account } from '../facilitators/account.entity.js';
import {
  CreateRoomDto,
  ListRoomsQueryDto,
  RoomDto,
  RoomPageDto,
  UpdateRoomDto,
} from './dto/room-rest.dto.js';
import { RoomsService } from './rooms.service.js';

@ApiTags('rooms')
@Controller('rooms')
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  @ApiOkResponse({ type: RoomPageDto })
  list(@Query() query: ListRoomsQueryDto): Promise<RoomPageDto> {
    return this.rooms.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: RoomDto })
  get(@Param('id') id: string): Promise<RoomDto> {
    return this.rooms.get(id);
  }

  @Post()
  @UseGuards(AccountGuard)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: RoomDto })
  create(@Body() dto: CreateRoomDto, @CurrentAccount() account: Account): Promise<RoomDto> {
    return this.rooms.create(dto, account);
  }

  @Patch(':id')
  @UseGuards(AccountGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: RoomDto })
  update(
    @Param('id') id: string,
    @Body() dto: UpdateRoomDto,
    @CurrentAccount() account: Account,
  ): Promise<RoomDto> {
    return this.rooms.update(id, dto, account);
  }
}
