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
  /** The person's own language, or null (the browser's, else APP_LOCALE). */
  language: string | null;
  /** The zone every date-time is shown and typed in: the person's own, else the service's (APP_TIMEZONE). */
  timeZone: string;
}

export interface DisplaySettings {
  language: string | null;
  timeZone: string | null;
}

export function toAdminUser(actor: Actor, fullName: string, settings: DisplaySettings, serviceTimeZone: string): AdminUser {
  return {
    id: actor.id,
    email: actor.email,
    title: fullName || actor.email,
    isSuperuser: actor.isSuperuser,
    permissions: [...actor.permissions].sort(),
    language: settings.language,
    timeZone: settings.timeZone ?? serviceTimeZone,
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
