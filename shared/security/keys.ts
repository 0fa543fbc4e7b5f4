import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { config } from '../config';

/**
 * Key material, one module per purpose so that a function bundles (and is granted) only what it
 * uses: data-keys.ts (PII data keys from KMS, envelope encryption), signing-keys.ts (session
 * token signing keys, a Secrets Manager secret of their own, rotatable), blind-index.ts (the
 * blind-index key, a secret of its own that cannot rotate without re-indexing). Local: one key
 * file under .data/, created on first use and never committed.
 */
export interface DataKey {
  /** Stored beside each ciphertext: how to get the key back (a KMS-wrapped blob or a local id). */
  id: string;
  key: Buffer;
}

export interface LocalKeyFile {
  dataKey: string;
  tokenSigningKey: string;
  blindIndexKey: string;
  devIssuer: { privateJwk: JWK; publicJwk: JWK };
}

export async function readOrCreateLocalKeyFile(dir: string): Promise<LocalKeyFile> {
  const file = join(dir, 'local-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalKeyFile;
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'essc-dev-1';
  const keys: LocalKeyFile = {
    dataKey: randomBytes(32).toString('base64'),
    tokenSigningKey: randomBytes(32).toString('base64'),
    blindIndexKey: randomBytes(32).toString('base64'),
    devIssuer: {
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    },
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** The local key file, read once per process (local mode only). */
let localFile: Promise<LocalKeyFile> | undefined;
export function localKeys(): Promise<LocalKeyFile> {
  localFile ??= readOrCreateLocalKeyFile(config().localKeyDir).catch((e) => {
    localFile = undefined;
    throw e;
  });
  return localFile;
}

/**
 * Where a purpose's key comes from: the deployed resource when its ARN is configured, the local
 * key file in local mode, and otherwise a clear error (the function was not granted that key).
 */
export function keySource(arn: string | undefined, what: string): 'aws' | 'local' {
  if (arn) return 'aws';
  if (config().localMode) return 'local';
  throw new Error(`${what} is not configured for this function (see its access in functions/<domain>/api.ts)`);
}

/** A purpose-labelled key from secret material (the label keeps keys of one secret apart). */
export const deriveKey = (label: string, material: string): Buffer => createHash('sha256').update(`${label}\u0000${material}`).digest();

/**
 * The keys each purpose module has loaded, in one place so that resetKeyRing forgets them all.
 * (A registration call per module would be module-scope code, kept in every bundle that imports
 * the module at all; this keeps unused key modules out of the bundle entirely.)
 */
export const keyCache: { dataKeys?: Promise<unknown>; blindIndex?: Promise<Buffer>; signing?: { at: number; keys: Promise<unknown> } } = {};

export function resetKeyRing(): void {
  localFile = undefined;
  keyCache.dataKeys = undefined;
  keyCache.blindIndex = undefined;
  keyCache.signing = undefined;
}
