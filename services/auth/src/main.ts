import { main, parseConfig, runService } from '@mosaic/runtime';
import { AuthModule } from './auth.module';
import { authEnvSchema } from './config';

main(async () => {
  const config = parseConfig(authEnvSchema);
  await runService({ service: 'auth', config, port: config.PORT, imports: [AuthModule] });
});
