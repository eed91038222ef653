// How clients are read and written in the back office: writes (with the tags field, "vip, Москва") go through
// the audience domain functions; rows carry their tags; the list filters by a tag name.
import { Op, literal, type WhereOptions } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';
import { clientWrites } from '../../src/audience/clients.js';
import { clientTags } from '../../src/audience/tags.js';
import type { ResourceBehaviour } from '../scoped-resource.js';
import { ownerFromSession } from '../features/owner.js';

/** The fields a form shows and the only ones a write accepts. */
export const CLIENT_FIELDS = ['email', 'fullName', 'comment', 'tags'];

export function clientBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const writes = clientWrites(ctx.db);
  const tags = clientTags(ctx.db.sequelize);
  const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
  const values = (params: Record<string, unknown>) => ({
    email: text(params.email), fullName: text(params.fullName), comment: text(params.comment), tags: text(params.tags),
  });
  return {
    editable: () => CLIENT_FIELDS,
    onCreate: ownerFromSession,
    create: async (actor, params) => (await writes.create(actor, values(params))).toJSON(),
    update: async (actor, id, params) => (await writes.update(actor, id, values(params))).toJSON(),
    async extend(rows) {
      const names = await tags.namesOf(rows.map((row) => Number(row.id)));
      for (const row of rows) row.tags = names.get(Number(row.id)) ?? '';
    },
    virtualFilters: {
      // the scope (the user's own clients) is ANDed by ScopedResource; the name is compared whatever its case
      tags: (value: string): WhereOptions =>
        ({
          id: {
            [Op.in]: literal(
              `(SELECT ct.client_id FROM client_tags ct JOIN tags t ON t.id = ct.tag_id WHERE lower(t.name) = lower(${ctx.db.sequelize.escape(value.trim())}))`,
            ),
          },
        }) as WhereOptions,
    },
  };
}
