// How groups are written: only known permission codenames, and the member list kept in user_groups.
import { Op } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';
import { isPermission } from '../../src/access/permissions.js';
import { ValidationError } from '../../src/errors.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

function list(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((item) => item !== '');
}

function permissionsOf(params: Params): string[] | undefined {
  if (!('permissions' in params)) return undefined;
  const permissions = [...new Set(list(params.permissions))];
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown permission: ${unknown.join(', ')}.`, { permissions: `Unknown permission: ${unknown.join(', ')}. Pick from the list.` });
  }
  return permissions;
}

/** The fields a group form shows and the only ones a write accepts. */
export const GROUP_FIELDS = ['name', 'permissions', 'memberIds'];

export function groupBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { Group, UserGroup, sequelize } = ctx.db.models;

  async function save(id: number | undefined, params: Params): Promise<Record<string, unknown>> {
    const permissions = permissionsOf(params);
    const members = 'memberIds' in params ? [...new Set(list(params.memberIds).map(Number))] : undefined;
    return sequelize.transaction(async (transaction) => {
      const values = { ...(typeof params.name === 'string' ? { name: params.name } : {}), ...(permissions ? { permissions } : {}) };
      let group = id === undefined ? await Group.create(values as never, { transaction }) : await Group.findByPk(id, { transaction });
      if (!group) throw new ValidationError('This group no longer exists.');
      if (id !== undefined) group = await group.update(values, { transaction });
      if (members) {
        await UserGroup.destroy({ where: { groupId: group.id, userId: { [Op.notIn]: members.length ? members : [0] } }, transaction });
        for (const userId of members) await UserGroup.findOrCreate({ where: { groupId: group.id, userId }, transaction });
      }
      return group.toJSON() as Record<string, unknown>;
    });
  }

  return {
    editable: () => GROUP_FIELDS,
    create: (_actor, params) => save(undefined, params),
    update: (_actor, id, params) => save(id, params),
    async extend(rows) {
      const links = await UserGroup.findAll({ where: { groupId: { [Op.in]: rows.map((row) => Number(row.id)) } }, order: [['userId', 'ASC']] });
      for (const row of rows) row.memberIds = links.filter((link) => link.groupId === row.id).map((link) => link.userId);
    },
  };
}
