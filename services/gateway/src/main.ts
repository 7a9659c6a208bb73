// First: http, pg and ioredis are traced only if instrumented before anything loads them.
import '@mosaic/observability/register';
import { main, parseConfig, runService } from '@mosaic/runtime';
import { gatewayEnvSchema } from './config';
import { GatewayModule } from './gateway.module';

main(async () => {
  const config = parseConfig(gatewayEnvSchema);
  await runService({
    service: 'gateway',
    config,
    port: config.PORT,
    imports: [GatewayModule],
    bodyLimit: config.MAX_BODY_BYTES,
    operationsPrefix: 'api',
  });
});
