// Clients (recipients): each user's own; a superuser sees all. Unsubscribed and bounced are shown, never edited:
// only the recipient undoes an unsubscribe (their link's page); the owner clears a bounce with its own action.
import type { ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerFromSession, ownerProperty } from '../features/owner.js';
import { clientActions } from './client.actions.js';

// the fields a form shows and the only ones a write accepts
const EDITABLE = ['email', 'fullName', 'comment'];

const readOnly = { isVisible: { list: true, filter: true, show: true, edit: false } };

export function clientsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Client, 'clients', {
      editable: () => EDITABLE,
      onCreate: ownerFromSession,
      entity: 'client',
    }),
    options: {
      id: 'clients',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'email',
      listProperties: ['id', 'email', 'fullName', 'unsubscribedAt', 'bouncedAt', 'createdAt'],
      filterProperties: ['email', 'fullName', 'unsubscribedAt', 'bouncedAt', 'createdAt'],
      editProperties: EDITABLE,
      showProperties: ['id', 'email', 'fullName', 'comment', 'unsubscribedAt', 'bouncedAt', 'bounceResponse', 'ownerId', 'createdAt', 'updatedAt'],
      properties: {
        ...ownerProperty,
        comment: { type: 'textarea' },
        unsubscribedAt: readOnly,
        bouncedAt: readOnly,
        bounceResponse: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: false } },
      },
      actions: { ...clientActions(ctx) } as ResourceOptions['actions'],
    },
    features: [accessFeature('clients')],
  };
}
