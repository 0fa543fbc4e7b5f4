import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dataKeys } from './data-keys';
import { maskIdNumber, maskPhone } from './pii';

/**
 * Envelope encryption of personal data (S2): AES-256-GCM under a data key; the sealed value
 * carries the data key's id (a KMS-wrapped blob when deployed). Format:
 * v1.<keyId>.<iv>.<ciphertext+tag>, all base64url.
 */
export async function seal(plain: string): Promise<string> {
  const { id, key } = await (await dataKeys()).currentDataKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${id}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
}

export async function unseal(sealed: string): Promise<string> {
  const [v, id, ivB64, ctB64] = sealed.split('.');
  if (v !== 'v1' || !id || !ivB64 || !ctB64) throw new Error('not a sealed value');
  const key = await (await dataKeys()).dataKeyById(id);
  const data = Buffer.from(ctB64, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64url'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The blind index lives in its own module (its own key and grant); re-exported for its callers. */
export { blindIndex } from './blind-index';

/** A person as every record keeps them (S2): name in clear, ID number and phone sealed and masked. */
export interface SealedPerson {
  name: string;
  idNumberSealed: string;
  idNumberMasked: string;
  phoneSealed: string;
  phoneMasked: string;
}

/** Seals a person's numbers; the caller stores the blind index where it looks people up. */
export async function sealPerson(p: { name: string; idNumber: string; phone: string }): Promise<SealedPerson> {
  const [idNumberSealed, phoneSealed] = await Promise.all([seal(p.idNumber), seal(p.phone)]);
  return { name: p.name, idNumberSealed, idNumberMasked: maskIdNumber(p.idNumber), phoneSealed, phoneMasked: maskPhone(p.phone) };
}
