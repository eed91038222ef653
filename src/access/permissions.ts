// Every permission codename, gathered from the models that declare them: the one list groups can hold.
import { USER_PERMISSIONS } from '../models/user.js';
import { MAILING_PERMISSIONS } from '../models/mailing.js';
import { BLOG_PERMISSIONS } from '../models/blog-post.js';

export const PERMISSIONS = {
  mailing: MAILING_PERMISSIONS,
  user: USER_PERMISSIONS,
  blog: BLOG_PERMISSIONS,
} as const;

export type Permission =
  | (typeof MAILING_PERMISSIONS)[keyof typeof MAILING_PERMISSIONS]
  | (typeof USER_PERMISSIONS)[keyof typeof USER_PERMISSIONS]
  | (typeof BLOG_PERMISSIONS)[keyof typeof BLOG_PERMISSIONS];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(PERMISSIONS).flatMap((group) => Object.values(group));

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
