import { Controller, Get } from '@nestjs/common';
import { Public } from '@mosaic/runtime';

/** The seed's `/api/health`; `/api/health/live` and `/api/health/ready` come from the runtime. */
@Public()
@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { status: 'healthy' };
  }
}
