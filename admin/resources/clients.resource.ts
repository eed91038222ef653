// Clients (recipients): each user's own; a superuser sees all. Tags on the form ("vip, Москва"), a filter by tag,
// and the CSV import and export actions.
import type { ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerProperty } from '../features/owner.js';
import { CLIENT_FIELDS, clientBehaviour } from './client.behaviour.js';
import { clientActions, importsOf } from './client.actions.js';

export function clientsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Client, 'clients', clientBehaviour(ctx)),
    options: {
      id: 'clients',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'email',
      listProperties: ['id', 'email', 'fullName', 'tags', 'createdAt'],
      filterProperties: ['email', 'fullName', 'tags', 'createdAt'],
      editProperties: CLIENT_FIELDS,
      showProperties: ['id', 'email', 'fullName', 'comment', 'tags', 'ownerId', 'createdAt', 'updatedAt'],
      properties: {
        ...ownerProperty,
        comment: { type: 'textarea' },
        // not a column: the client's tags as one text, "vip, Москва" (the form writes it the same way)
        tags: { type: 'string', isSortable: false, position: 4, isVisible: { list: true, filter: true, show: true, edit: true } },
      },
      actions: clientActions(ctx, importsOf(ctx)) as ResourceOptions['actions'],
    },
    features: [accessFeature('clients')],
  };
}
