// How users are written in the back office: passwords hashed, the hash never sent; only a superuser sets
// e-mails, flags and verification; a person may change their own name and password.
import type { ServiceContext } from '../../src/context.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { ValidationError } from '../../src/errors.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

const MIN_PASSWORD = 8;

async function withHash(params: Params, required: boolean): Promise<Params> {
  const { password, ...rest } = params;
  if (password === undefined || password === null || password === '') {
    if (required) throw new ValidationError('A new user needs a password.', { password: `Enter a password of at least ${MIN_PASSWORD} characters.` });
    return rest;
  }
  if (typeof password !== 'string' || password.length < MIN_PASSWORD) {
    throw new ValidationError('The password is too short.', { password: `Enter a password of at least ${MIN_PASSWORD} characters.` });
  }
  return { ...rest, passwordHash: await hashPassword(password) };
}

function dates(params: Params): Params {
  const result = { ...params };
  if ('verifiedAt' in result) result.verifiedAt = result.verifiedAt ? new Date(String(result.verifiedAt)) : null;
  if ('isSuperuser' in result) result.isSuperuser = result.isSuperuser === true || result.isSuperuser === 'true';
  return result;
}

export function userBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { User } = ctx.db.models;
  return {
    hidden: ['passwordHash'],
    entity: 'user',
    editable: (actor) => (actor.isSuperuser ? ['email', 'fullName', 'password', 'isSuperuser', 'verifiedAt'] : ['fullName', 'password']),
    create: async (_actor, params) => {
      const values = dates(await withHash(params, true));
      const user = await User.create(values as never);
      return user.toJSON() as Record<string, unknown>;
    },
    update: async (_actor, id, params) => {
      const values = dates(await withHash(params, false));
      await User.update(values as never, { where: { id }, individualHooks: true });
      const user = await User.findByPk(id);
      return (user?.toJSON() ?? {}) as Record<string, unknown>;
    },
  };
}
