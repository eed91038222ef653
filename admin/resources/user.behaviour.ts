// How user forms are written: the form's fields converted and handed to the accounts domain
// (src/accounts/users.ts), which decides who may set what (a person: their own name, sender name, password,
// language and zone) and checks the password; the hash is never sent.
import type { ServiceContext } from '../../src/context.js';
import { createUser, updateUser, userFields as domainUserFields, type UserChanges } from '../../src/accounts/users.js';
import { groupsOfUsers } from '../../src/accounts/groups.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

/** The fields a user form shows and the only ones a write accepts: a superuser's, or a person's own. */
export function userFields(isSuperuser: boolean | undefined): string[] {
  return [...domainUserFields(isSuperuser)];
}

/** A form value that may be one item, many, or empty. */
function list(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((item) => item !== '');
}

/** The form's strings as typed values; what the form did not send stays absent. */
function userChanges(params: Params): UserChanges {
  const changes: UserChanges = {};
  if (typeof params.email === 'string') changes.email = params.email;
  if (typeof params.fullName === 'string') changes.fullName = params.fullName;
  // the model trims the sender name and turns an empty language or zone into "none" (the browser's, the service's)
  if (typeof params.senderName === 'string') changes.senderName = params.senderName;
  if (typeof params.language === 'string') changes.language = params.language;
  if (typeof params.timeZone === 'string') changes.timeZone = params.timeZone;
  if (typeof params.password === 'string') changes.password = params.password;
  if ('isSuperuser' in params) changes.isSuperuser = params.isSuperuser === true || params.isSuperuser === 'true';
  if ('verifiedAt' in params) changes.verifiedAt = params.verifiedAt ? new Date(String(params.verifiedAt)) : null;
  // the user's groups (a superuser's field: the domain refuses it from anyone else); a non-number is refused there
  if ('groupIds' in params) changes.groupIds = list(params.groupIds).map(Number);
  return changes;
}

export function userBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const deps = { models: ctx.db.models };
  return {
    hidden: ['passwordHash'],
    editable: (actor) => userFields(actor.isSuperuser),
    create: async (actor, params) => {
      const { email = '', password = '', ...rest } = userChanges(params);
      return (await createUser(deps, actor, { ...rest, email, password })).toJSON() as Record<string, unknown>;
    },
    update: async (actor, id, params) => (await updateUser(deps, actor, id, userChanges(params))).user.toJSON() as Record<string, unknown>,
    // a user's page and form carry the groups they are in (the form shows them to a superuser only)
    async extend(rows, detail) {
      if (!detail) return;
      const groups = await groupsOfUsers(deps.models, rows.map((row) => Number(row.id)));
      for (const row of rows) row.groupIds = groups.get(Number(row.id)) ?? [];
    },
  };
}
