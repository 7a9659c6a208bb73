import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { SecurityErrorCode, SecurityException } from './security.exception';

/**
 * Credential vault: a user's datasource credentials (tokens, passwords) encrypted with
 * AES-256-GCM under a key from `MOSAIC_VAULT_KEYS`, bound to the row they belong to through the
 * additional authenticated data. A ciphertext copied to another user's, tenant's or datasource's
 * row does not decrypt.
 *
 * A fresh random 96-bit IV per encryption: NIST SP 800-38D allows 2^32 encryptions per key that
 * way, far beyond our credential count; rotate keys (new kid first in the list) well before.
 */
export const VAULT_KEYS_ENV = 'MOSAIC_VAULT_KEYS';
export const VAULT_ENVELOPE_VERSION = 1;
/** Largest credential record the vault takes (serialized JSON). */
export const VAULT_MAX_PLAINTEXT_BYTES = 64 * 1024;

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const CONTEXT_PART_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The row a credential belongs to; every part is in the AAD. */
export interface VaultContext {
  tenantId: string;
  userId: string;
  datasource: string;
}

export type CredentialRecord = Record<string, string>;

/** The ring's keys, newest (active) first. Never prints or serializes key material. */
export class VaultKeyRing {
  private constructor(private readonly keys: ReadonlyMap<string, KeyObject>) {}

  /**
   * Parses `kid:<base64 of 32 bytes>[,kid:<base64>...]`; the first entry is the active key, the
   * rest decrypt older envelopes. Lists every problem at once; messages name entries by
   * position and kid, never by content.
   */
  static fromEnv(value: string | undefined, name: string = VAULT_KEYS_ENV): VaultKeyRing {
    if (!value || !value.trim()) {
      throw new SecurityException(SecurityErrorCode.VaultKeyInvalid, `${name} is empty; expected kid:<base64 of 32 bytes>[,kid:<base64>...]`);
    }
    const problems: string[] = [];
    const keys = new Map<string, KeyObject>();
    const material = new Map<string, Buffer>();
    value.split(',').forEach((raw, index) => {
      const entry = raw.trim();
      const where = `${name} entry ${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon < 0) {
        problems.push(`${where} is not kid:<base64>`);
        return;
      }
      const kid = entry.slice(0, colon);
      const encoded = entry.slice(colon + 1);
      if (!KID_PATTERN.test(kid)) {
        problems.push(`${where}: kid must be 1-32 characters of [A-Za-z0-9_-]`);
        return;
      }
      if (!BASE64_PATTERN.test(encoded)) {
        problems.push(`${where} (${kid}): key is not base64`);
        return;
      }
      const bytes = Buffer.from(encoded, 'base64');
      if (bytes.length !== KEY_BYTES) {
        problems.push(`${where} (${kid}): key must be ${KEY_BYTES} bytes, got ${bytes.length}`);
        return;
      }
      if (keys.has(kid)) {
        problems.push(`${where}: duplicate kid ${kid}`);
        return;
      }
      const twin = [...material].find(([, other]) => other.equals(bytes));
      if (twin) {
        problems.push(`${where} (${kid}): same key as ${twin[0]}`);
        return;
      }
      material.set(kid, bytes);
      keys.set(kid, createSecretKey(bytes));
    });
    for (const bytes of material.values()) bytes.fill(0);
    if (problems.length > 0) throw new SecurityException(SecurityErrorCode.VaultKeyInvalid, problems.join('; '));
    return new VaultKeyRing(keys);
  }

  /** Encrypts with this key id. */
  get activeKid(): string {
    return this.keys.keys().next().value as string;
  }

  /** Every key id, active first. */
  get kids(): string[] {
    return [...this.keys.keys()];
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** @internal for CredentialVault. */
  keyFor(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  toJSON(): { activeKid: string; kids: string[] } {
    return { activeKid: this.activeKid, kids: this.kids };
  }

  [inspect.custom](): string {
    return `VaultKeyRing { activeKid: '${this.activeKid}', kids: [${this.kids.map((k) => `'${k}'`).join(', ')}] }`;
  }
}

/** `kid:<base64 of 32 random bytes>`, ready to put first in `MOSAIC_VAULT_KEYS`. */
export function generateVaultKey(kid: string = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
  if (!KID_PATTERN.test(kid)) {
    throw new SecurityException(SecurityErrorCode.VaultKeyInvalid, 'kid must be 1-32 characters of [A-Za-z0-9_-]');
  }
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * The canonical AAD. The parts cannot contain `:`, so two different contexts never produce the
 * same string. Never change it in place: every stored envelope is bound to it.
 */
export function vaultAad(context: VaultContext): string {
  for (const part of ['tenantId', 'userId', 'datasource'] as const) {
    const value = context?.[part];
    if (typeof value !== 'string' || !CONTEXT_PART_PATTERN.test(value)) {
      throw new SecurityException(SecurityErrorCode.VaultContextInvalid, `vault context ${part} must be 1-128 characters of [A-Za-z0-9._-]`);
    }
  }
  return `mosaic:v1:${context.tenantId}:${context.userId}:${context.datasource}`;
}

function base64Of(bytes: number | undefined) {
  return z
    .string()
    .regex(BASE64_PATTERN)
    .transform((s) => Buffer.from(s, 'base64'))
    .refine((b) => bytes === undefined || b.length === bytes);
}

const EnvelopeSchema = z
  .object({
    v: z.literal(VAULT_ENVELOPE_VERSION),
    kid: z.string().regex(KID_PATTERN),
    iv: base64Of(IV_BYTES),
    // Exactly 16 bytes: GCM would otherwise accept a truncated (forgeable) tag.
    tag: base64Of(TAG_BYTES),
    ct: base64Of(undefined),
  })
  .strict();
type Envelope = z.infer<typeof EnvelopeSchema>;

const CredentialRecordSchema = z.record(z.string(), z.string());

function decryptionFailed(message: string, cause?: unknown): SecurityException {
  return new SecurityException(SecurityErrorCode.DecryptionFailed, message, cause === undefined ? undefined : { cause });
}

/**
 * Encrypts and decrypts credential records. Envelopes are JSON strings
 * `{"v":1,"kid","iv","tag","ct"}` (base64 fields), stored as they are.
 */
export class CredentialVault {
  constructor(private readonly ring: VaultKeyRing) {}

  encrypt(plaintext: CredentialRecord, context: VaultContext): string {
    const aad = vaultAad(context);
    if (!CredentialRecordSchema.safeParse(plaintext).success) {
      throw new SecurityException(SecurityErrorCode.CredentialInvalid, 'credentials must be an object of string values');
    }
    const data = Buffer.from(JSON.stringify(plaintext), 'utf8');
    try {
      if (data.length > VAULT_MAX_PLAINTEXT_BYTES) {
        throw new SecurityException(SecurityErrorCode.CredentialInvalid, `credentials exceed ${VAULT_MAX_PLAINTEXT_BYTES} bytes`);
      }
      return this.seal(data, aad);
    } finally {
      data.fill(0);
    }
  }

  decrypt(envelope: string, context: VaultContext): CredentialRecord {
    const aad = vaultAad(context);
    const parsed = this.open(envelope);
    const data = this.unseal(parsed, aad);
    try {
      let record: unknown;
      try {
        record = JSON.parse(data.toString('utf8'));
      } catch {
        // No cause: JSON.parse quotes its input, which is the plaintext.
        throw decryptionFailed('decrypted credentials are not JSON');
      }
      const checked = CredentialRecordSchema.safeParse(record);
      if (!checked.success) throw decryptionFailed('decrypted credentials are not an object of strings');
      return checked.data;
    } finally {
      data.fill(0);
    }
  }

  /**
   * For key rotation: the envelope re-encrypted under the active key (`changed: true`), or the
   * same envelope when it already is (`changed: false`). Either way it must decrypt with `context`.
   */
  reencrypt(envelope: string, context: VaultContext): { envelope: string; changed: boolean } {
    const record = this.decrypt(envelope, context);
    if (this.open(envelope).kid === this.ring.activeKid) return { envelope, changed: false };
    return { envelope: this.encrypt(record, context), changed: true };
  }

  /** True when the envelope is under a key other than the active one (no decryption). */
  needsReencrypt(envelope: string): boolean {
    return this.open(envelope).kid !== this.ring.activeKid;
  }

  private seal(data: Buffer, aad: string): string {
    const kid = this.ring.activeKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keyFor(kid) as KeyObject, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(data), cipher.final()]);
    return JSON.stringify({
      v: VAULT_ENVELOPE_VERSION,
      kid,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    });
  }

  private open(envelope: string): Envelope {
    let raw: unknown;
    try {
      raw = JSON.parse(envelope);
    } catch (error) {
      throw decryptionFailed('envelope is not JSON', error);
    }
    const parsed = EnvelopeSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
      throw decryptionFailed(`envelope malformed: ${fields}`);
    }
    return parsed.data;
  }

  private unseal(envelope: Envelope, aad: string): Buffer {
    const key = this.ring.keyFor(envelope.kid);
    if (!key) {
      throw new SecurityException(SecurityErrorCode.UnknownKey, `envelope key ${envelope.kid} is not in ${VAULT_KEYS_ENV}`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(envelope.tag);
      return Buffer.concat([decipher.update(envelope.ct), decipher.final()]);
    } catch (error) {
      // OpenSSL says only "unable to authenticate data"; nothing secret in the cause.
      throw decryptionFailed('credentials do not decrypt for this tenant, user and datasource', error);
    }
  }
}
