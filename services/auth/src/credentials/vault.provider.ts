import { Provider } from '@nestjs/common';
import { CONFIG } from '@mosaic/runtime';
import { CredentialVault, VaultKeyRing } from '@mosaic/security';
import { AuthConfig } from '../config';

export const CredentialVaultProvider: Provider = {
  provide: CredentialVault,
  inject: [CONFIG],
  useFactory: (config: AuthConfig) => new CredentialVault(VaultKeyRing.fromEnv(config.MOSAIC_VAULT_KEYS)),
};
