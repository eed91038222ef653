// Password hashing with a deliberately slow hash (bcrypt), so a stolen table is expensive to crack.
import bcrypt from 'bcryptjs';

const COST = 12;

export function hashPassword(password: string, cost = COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** Compares in constant time; a malformed hash counts as a mismatch. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
