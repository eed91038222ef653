// Messages (subject and body a mailing sends): each user's own; a superuser sees all.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerFromSession, ownerProperty } from '../features/owner.js';

export function messagesResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Message, 'messages', {
      editable: () => ['subject', 'body'],
      // a body can be 1 MB: lists and pickers carry the subject only
      detailOnly: ['body'],
      onCreate: ownerFromSession,
      entity: 'message',
    }),
    options: {
      id: 'messages',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'subject',
      listProperties: ['id', 'subject', 'createdAt'],
      filterProperties: ['subject', 'createdAt'],
      editProperties: ['subject', 'body'],
      showProperties: ['id', 'subject', 'body', 'ownerId', 'createdAt', 'updatedAt'],
      properties: { ...ownerProperty, body: { type: 'textarea' } },
    },
    features: [accessFeature('messages')],
  };
}
