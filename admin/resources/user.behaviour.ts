// How users are written in the back office: passwords hashed, the hash never sent; only a superuser sets
// e-mails, flags and verification; a person may change their own name and password.
import type { ServiceContext } from '../../src/context.js';
import { hashNewPassword } from '../../src/accounts/passwords.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

// the password rule is the domain's (src/accounts), the one registration and reset use
async function withHash(params: Params, required: boolean, email: () => Promise<string>): Promise<Params> {
  const { password, ...rest } = params;
  if (!required && (password === undefined || password === null || password === '')) return rest;
  return { ...rest, passwordHash: await hashNewPassword(password, await email()) };
}

const given = (params: Params): string | undefined => (typeof params.email === 'string' ? params.email : undefined);

/** The fields a user form shows and the only ones a write accepts: a superuser's, or a person's own. */
export function userFields(isSuperuser: boolean | undefined): string[] {
  return isSuperuser ? ['email', 'fullName', 'password', 'isSuperuser', 'verifiedAt'] : ['fullName', 'password'];
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
    editable: (actor) => userFields(actor.isSuperuser),
    create: async (_actor, params) => {
      const values = dates(await withHash(params, true, async () => given(params) ?? ''));
      const user = await User.create(values as never);
      return user.toJSON() as Record<string, unknown>;
    },
    update: async (_actor, id, params) => {
      // the new address when the superuser changes it together with the password, else the one on record
      const email = async () => given(params) ?? (await User.findByPk(id, { attributes: ['email'] }))?.email ?? '';
      const values = dates(await withHash(params, false, email));
      await User.update(values as never, { where: { id }, individualHooks: true });
      const user = await User.findByPk(id);
      return (user?.toJSON() ?? {}) as Record<string, unknown>;
    },
  };
}
