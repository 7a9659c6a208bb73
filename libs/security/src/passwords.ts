import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { SecurityErrorCode, SecurityException } from './security.exception';

/**
 * OWASP Password Storage Cheat Sheet, argon2id first choice: 19 MiB, 2 passes, 1 lane.
 * Changing these makes `needsRehash` true for every stored hash (rehashed at next login), and
 * DUMMY_HASH must be regenerated with the new values (a spec checks that it was).
 */
export const PASSWORD_HASH_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

// @node-rs/argon2 declares these as `const enum`s, which swc cannot inline across modules, and
// its runtime export of them is an empty object: spell out the values (argon2id, version 0x13).
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * An argon2id hash, with PASSWORD_HASH_PARAMS, of 32 random bytes nobody kept. Verifying against
 * it costs what verifying a real hash costs, so "no such email" takes as long as "wrong password".
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$9yMqE43UZmg7+djOTxBudA$ySrZMHxdyEuJNVv6tt6mW+LWYVWRziEZBVQWkocWWfo';

/**
 * NIST SP 800-63B: normalize before hashing so the same password typed on two keyboards
 * (composed vs decomposed accents, full-width digits) matches. Never change the form in place:
 * every stored hash depends on it.
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password with argon2id and a fresh 16-byte salt; returns the PHC string to store. */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), { ...PASSWORD_HASH_PARAMS, algorithm: ARGON2ID, version: VERSION_0X13 });
}

/**
 * True when `password` matches `encodedHash`. Throws `PasswordHashInvalid` when the stored value
 * is not an argon2 PHC string: that is corrupt data, not a wrong password.
 */
export async function verifyPassword(encodedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(encodedHash, normalize(password));
  } catch (error) {
    // The native error says only "Decoding failed"; it never carries the password.
    throw new SecurityException(SecurityErrorCode.PasswordHashInvalid, 'stored password hash is not a valid argon2 hash', {
      cause: error,
    });
  }
}

/**
 * Spends the time of one real verification and returns false. Call it when the account does
 * not exist (or has no password) so the response time does not reveal which emails are registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verify(DUMMY_HASH, normalize(password));
  return false;
}

/**
 * True when a hash (already verified) was made with other parameters or another algorithm than
 * today's: the caller rehashes the password it just checked and stores the new hash.
 */
export function needsRehash(encodedHash: string): boolean {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(encodedHash);
  } catch {
    return true;
  }
  return (
    parsed.algorithm !== ARGON2ID ||
    parsed.version !== VERSION_0X13 ||
    parsed.memoryCost !== PASSWORD_HASH_PARAMS.memoryCost ||
    parsed.timeCost !== PASSWORD_HASH_PARAMS.timeCost ||
    parsed.parallelism !== PASSWORD_HASH_PARAMS.parallelism ||
    parsed.outputLen !== PASSWORD_HASH_PARAMS.outputLen
  );
}

export type PasswordProblemCode = 'too_short' | 'too_long';
export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}

/**
 * Checks a new password against the policy (OWASP ASVS / NIST 800-63B: length, no composition
 * rules). Lengths count Unicode code points after normalization. Returns every problem; an empty
 * list means acceptable. Messages describe the rule, never the password.
 */
export function validatePassword(password: string): PasswordProblem[] {
  const length = [...normalize(password)].length;
  const problems: PasswordProblem[] = [];
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({ code: 'too_short', message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({ code: 'too_long', message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  return problems;
}
