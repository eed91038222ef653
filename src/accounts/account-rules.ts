// What a valid e-mail address and an acceptable password are, with messages a person can act on.

const EMAIL = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:.]{2,}$/;

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 72; // bcrypt ignores what follows byte 72: refuse it rather than silently drop it

// the few passwords every cracking list starts with
const COMMON = new Set(['password', 'password1', 'password123', '1234567890', '0123456789', 'qwertyuiop', 'qwerty1234', 'iloveyou12', 'letmein123', 'welcome123', 'administrator', 'changeme123']);

export function normalizeEmail(email: string): string {
  return email.trim();
}

/** Undefined when fine, else why not. */
export function emailProblem(email: string): string | undefined {
  const value = normalizeEmail(email);
  if (value === '') return 'Enter your e-mail address.';
  if (value.length > 254 || !EMAIL.test(value)) return 'Enter a valid e-mail address, like name@example.com.';
  return undefined;
}

/** Undefined when fine, else why not. */
export function passwordProblem(password: string, email = ''): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} bytes (about ${MAX_PASSWORD_LENGTH} letters).`;
  if (new Set(password).size < 4) return 'Use a password with more different characters.';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'This password is among the most common ones; choose another.';
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  if (local.length >= 4 && lower.includes(local)) return 'Do not use your e-mail address in your password.';
  return undefined;
}
