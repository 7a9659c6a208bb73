import { Controller, Get } from '@nestjs/common';

/** The seed's `/api/health`; `/api/health/live` and `/api/health/ready` come from the runtime. */
@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { status: 'healthy' };
  }
}
