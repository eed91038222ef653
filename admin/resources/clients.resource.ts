// Clients (recipients): each user's own; a superuser sees all. Tags on the form ("vip, Москва"), a filter by tag,
// and the CSV import and export actions. Unsubscribed and bounced are shown, never edited: only the recipient undoes
// an unsubscribe (their link's page); the owner clears a bounce with its own action.
import type { ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerProperty } from '../features/owner.js';
import { CLIENT_FIELDS, clientBehaviour } from './client.behaviour.js';
import { clientActions, importsOf } from './client.actions.js';

const readOnly = { isVisible: { list: true, filter: true, show: true, edit: false } };

export function clientsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Client, 'clients', clientBehaviour(ctx)),
    options: {
      id: 'clients',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'email',
      listProperties: ['id', 'email', 'fullName', 'tags', 'unsubscribedAt', 'bouncedAt', 'createdAt'],
      filterProperties: ['email', 'fullName', 'tags', 'unsubscribedAt', 'bouncedAt', 'createdAt'],
      editProperties: CLIENT_FIELDS,
      showProperties: ['id', 'email', 'fullName', 'comment', 'tags', 'unsubscribedAt', 'bouncedAt', 'bounceResponse', 'ownerId', 'createdAt', 'updatedAt'],
      properties: {
        ...ownerProperty,
        // the database fills an empty name and comment in (''), so the form does not mark them required
        fullName: { isRequired: false },
        comment: { type: 'textarea', isRequired: false },
        // not a column: the client's tags as one text, "vip, Москва" (the form writes it the same way)
        tags: { type: 'string', isSortable: false, position: 4, isVisible: { list: true, filter: true, show: true, edit: true } },
        unsubscribedAt: readOnly,
        bouncedAt: readOnly,
        bounceResponse: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: false } },
      },
      actions: clientActions(ctx, importsOf(ctx)) as ResourceOptions['actions'],
    },
    features: [accessFeature('clients')],
  };
}
