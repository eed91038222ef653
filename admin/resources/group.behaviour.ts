// How group forms are written: the form's fields as the accounts domain takes them (src/accounts/groups.ts).
import type { ServiceContext } from '../../src/context.js';
import { groupMembers, saveGroup, type GroupInput } from '../../src/accounts/groups.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

/** A form value that may be one item, many, or empty. */
function list(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((item) => item !== '');
}

function groupInput(params: Params): GroupInput {
  return {
    ...(typeof params.name === 'string' ? { name: params.name } : {}),
    ...('permissions' in params ? { permissions: list(params.permissions) } : {}),
    ...('memberIds' in params ? { memberIds: list(params.memberIds).map(Number) } : {}),
  };
}

/** The fields a group form shows and the only ones a write accepts. */
export const GROUP_FIELDS = ['name', 'permissions', 'memberIds'];

export function groupBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { models } = ctx.db;
  return {
    editable: () => GROUP_FIELDS,
    create: async (actor, params) => (await saveGroup(models, actor, undefined, groupInput(params))).toJSON() as Record<string, unknown>,
    update: async (actor, id, params) => (await saveGroup(models, actor, id, groupInput(params))).toJSON() as Record<string, unknown>,
    async extend(rows) {
      const members = await groupMembers(models, rows.map((row) => Number(row.id)));
      for (const row of rows) row.memberIds = members.get(Number(row.id)) ?? [];
    },
  };
}
