// Groups and their members (superusers only): a name, permissions from the one list in src/access, and the users
// who hold them, written together in one transaction.
import { Op, type Transaction } from 'sequelize';
import type { Group, Models } from '../models/index.js';
import { isPermission, type Permission } from '../access/permissions.js';
import { assertCan, type Actor } from '../access/policy.js';
import { NotFoundError, ValidationError } from '../errors.js';

export interface GroupInput {
  name?: string;
  /** Permission codenames; an unknown one is refused by name. Absent: unchanged. */
  permissions?: readonly string[];
  /** The members' user ids: the group's whole member list afterwards. Absent: unchanged. */
  memberIds?: readonly number[];
}

type GroupModels = Pick<Models, 'Group' | 'UserGroup' | 'User' | 'sequelize'>;

function checkedPermissions(permissions: readonly string[]): Permission[] {
  const unique = [...new Set(permissions)];
  const unknown = unique.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown permission: ${unknown.join(', ')}.`, { permissions: `Unknown permission: ${unknown.join(', ')}. Pick from the list.` });
  }
  return unique as Permission[];
}

/** Creates the group (id undefined) or changes it; its members become exactly `memberIds` when given. */
export async function saveGroup(models: GroupModels, actor: Actor, id: number | undefined, input: GroupInput): Promise<Group> {
  assertCan(actor, id === undefined ? 'new' : 'edit', 'groups');
  const permissions = input.permissions === undefined ? undefined : checkedPermissions(input.permissions);
  const members = input.memberIds === undefined ? undefined : [...new Set(input.memberIds)];
  if (members?.some((userId) => !Number.isInteger(userId) || userId <= 0)) {
    throw new ValidationError('A chosen member is not a valid user.', { memberIds: 'A chosen member is not a valid user.' });
  }
  return models.sequelize.transaction(async (transaction) => {
    if (members && members.length > 0) {
      const found = await models.User.count({ where: { id: { [Op.in]: members } }, transaction });
      if (found !== members.length) throw new ValidationError('A chosen member no longer exists.', { memberIds: 'A chosen member no longer exists.' });
    }
    const values = { ...(input.name !== undefined ? { name: input.name } : {}), ...(permissions ? { permissions } : {}) };
    let group = id === undefined ? await models.Group.create(values as never, { transaction }) : await models.Group.findByPk(id, { transaction });
    if (!group) throw new NotFoundError('This group no longer exists.');
    if (id !== undefined) group = await group.update(values, { transaction });
    if (members) {
      await models.UserGroup.destroy({ where: { groupId: group.id, userId: { [Op.notIn]: members.length ? members : [0] } }, transaction });
      for (const userId of members) await models.UserGroup.findOrCreate({ where: { groupId: group.id, userId }, transaction });
    }
    return group;
  });
}

/** The member ids of each group (ascending), for a list page: one query for all of them. */
export async function groupMembers(models: Pick<Models, 'UserGroup'>, groupIds: readonly number[]): Promise<Map<number, number[]>> {
  const members = new Map<number, number[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return members;
  const links = await models.UserGroup.findAll({ where: { groupId: { [Op.in]: [...groupIds] } }, order: [['userId', 'ASC']] });
  for (const link of links) members.get(link.groupId)?.push(link.userId);
  return members;
}

/**
 * Makes the user's groups exactly `groupIds` (inside the caller's transaction); a group that does not exist is
 * refused on the field. The caller has checked that the actor may (superusers only: src/accounts/users.ts).
 */
export async function setUserGroups(
  models: Pick<Models, 'UserGroup' | 'Group'>,
  userId: number,
  groupIds: readonly number[],
  transaction: Transaction,
): Promise<void> {
  const wanted = [...new Set(groupIds)];
  if (wanted.some((id) => !Number.isInteger(id) || id <= 0)) {
    throw new ValidationError('A chosen group is not a valid group.', { groupIds: 'A chosen group is not a valid group.' });
  }
  if (wanted.length > 0) {
    const found = await models.Group.count({ where: { id: { [Op.in]: wanted } }, transaction });
    if (found !== wanted.length) throw new ValidationError('A chosen group no longer exists.', { groupIds: 'A chosen group no longer exists.' });
  }
  await models.UserGroup.destroy({ where: { userId, groupId: { [Op.notIn]: wanted.length ? wanted : [0] } }, transaction });
  for (const groupId of wanted) await models.UserGroup.findOrCreate({ where: { groupId, userId }, transaction });
}

/** The group ids of each user (ascending), for the user pages: one query for all of them. */
export async function groupsOfUsers(models: Pick<Models, 'UserGroup'>, userIds: readonly number[]): Promise<Map<number, number[]>> {
  const groups = new Map<number, number[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return groups;
  const links = await models.UserGroup.findAll({ where: { userId: { [Op.in]: [...userIds] } }, order: [['groupId', 'ASC']] });
  for (const link of links) groups.get(link.userId)?.push(link.groupId);
  return groups;
}
