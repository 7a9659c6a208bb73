import { Controller, Get } from '@nestjs/common';
import { SourceInfo } from '@mosaic/contracts';
import { RequireScope } from '../auth/auth.decorators';
import { SourcesService } from './sources.service';

@RequireScope('query')
@Controller('agent')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get('sources')
  list(): SourceInfo[] {
    return this.sources.list();
  }
}
