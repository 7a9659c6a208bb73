import { Controller, Get } from '@nestjs/common';
import { SourceInfo } from '@mosaic/contracts';
import { SourcesService } from './sources.service';

@Controller('agent')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get('sources')
  list(): SourceInfo[] {
    return this.sources.list();
  }
}
