// Password hashing with a deliberately slow hash (bcrypt), so a stolen table is expensive to crack.
import bcrypt from 'bcryptjs';
import { ValidationError } from '../errors.js';
import { passwordProblem } from './account-rules.js';

const COST = 12;

export function hashPassword(password: string, cost = COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

/**
 * The hash of a new password for the account with this e-mail address, once it passes the one password rule
 * (the same as registration and reset); otherwise a ValidationError marking the password field.
 */
export async function hashNewPassword(password: unknown, email: string, cost = COST): Promise<string> {
  const problem = passwordProblem(typeof password === 'string' ? password : '', email);
  if (problem) throw new ValidationError(problem, { password: problem });
  return hashPassword(password as string, cost);
}

/** Compares in constant time; a malformed hash counts as a mismatch. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
