// Groups (superuser only): a name, permissions from the one list in src/access, and members.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ALL_PERMISSIONS } from '../../src/access/permissions.js';
import { Components } from '../components/index.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { GROUP_FIELDS, groupBehaviour } from './group.behaviour.js';

export function groupsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Group, 'groups', groupBehaviour(ctx)),
    options: {
      id: 'groups',
      navigation: { name: 'People', icon: 'User' },
      titleProperty: 'name',
      listProperties: ['id', 'name', 'permissions'],
      filterProperties: ['name'],
      editProperties: GROUP_FIELDS,
      showProperties: ['id', 'name', 'permissions', 'memberIds', 'createdAt'],
      properties: {
        // by their names in the person's language (not "Length: 4"), chosen with labelled checkboxes
        permissions: {
          type: 'string',
          isRequired: false, // a group may have none yet
          isArray: true,
          availableValues: ALL_PERMISSIONS.map((p) => ({ value: p, label: p })),
          components: { list: Components.Permissions, show: Components.Permissions, edit: Components.Permissions },
        },
        memberIds: { type: 'reference', reference: 'users', isArray: true },
      },
    },
    features: [accessFeature('groups')],
  };
}
