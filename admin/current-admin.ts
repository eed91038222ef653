// The logged-in person as AdminJS keeps them in the session (`adminUser`), and back to the policy's Actor.
import type { CurrentAdmin } from 'adminjs';
import type { Actor } from '../src/access/policy.js';

/** What the session holds: refreshed from the database on every /admin request (see auth.ts). */
export interface AdminUser {
  id: number;
  email: string;
  title: string;
  isSuperuser: boolean;
  permissions: string[];
}

export function toAdminUser(actor: Actor, fullName: string): AdminUser {
  return {
    id: actor.id,
    email: actor.email,
    title: fullName || actor.email,
    isSuperuser: actor.isSuperuser,
    permissions: [...actor.permissions].sort(),
  };
}

/** The policy's Actor for AdminJS's currentAdmin; undefined for anyone not logged in. */
export function actorOf(currentAdmin: CurrentAdmin | undefined): Actor | undefined {
  const admin = currentAdmin as unknown as Partial<AdminUser> | undefined;
  if (!admin || typeof admin.id !== 'number') return undefined;
  return {
    id: admin.id,
    email: String(admin.email ?? ''),
    isSuperuser: admin.isSuperuser === true,
    permissions: new Set(admin.permissions ?? []),
  };
}
