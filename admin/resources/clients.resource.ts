// Clients (recipients): each user's own; a superuser sees all.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerFromSession, ownerProperty } from '../features/owner.js';

// the fields a form shows and the only ones a write accepts
const EDITABLE = ['email', 'fullName', 'comment'];

export function clientsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Client, 'clients', {
      editable: () => EDITABLE,
      onCreate: ownerFromSession,
    }),
    options: {
      id: 'clients',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'email',
      listProperties: ['id', 'email', 'fullName', 'createdAt'],
      filterProperties: ['email', 'fullName', 'createdAt'],
      editProperties: EDITABLE,
      showProperties: ['id', 'email', 'fullName', 'comment', 'ownerId', 'createdAt', 'updatedAt'],
      properties: { ...ownerProperty, comment: { type: 'textarea' } },
    },
    features: [accessFeature('clients')],
  };
}
