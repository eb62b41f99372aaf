/**
 * DM pairing codes: 8 characters from an alphabet without the look-alikes 0/O and 1/I, so a code
 * read off a phone screen and typed into a terminal survives the trip. Compared case-insensitively.
 */
import { randomInt } from 'node:crypto';

export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;

export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i += 1)
    code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/** The code as stored (upper case, spaces and dashes a user may type removed). */
export function normalizePairingCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}
