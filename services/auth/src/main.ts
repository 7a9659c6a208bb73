import { z } from 'zod';
import { baseEnvSchema, envFields, main, parseConfig, runService } from '@mosaic/runtime';

/** Identity and tenancy arrive with the identity issue; until then auth only reports health. */
const authEnvSchema = baseEnvSchema.extend({ PORT: envFields.port.default(8081) });
export type AuthConfig = z.infer<typeof authEnvSchema>;

main(async () => {
  const config = parseConfig(authEnvSchema);
  await runService({ service: 'auth', config, port: config.PORT, imports: [] });
});
