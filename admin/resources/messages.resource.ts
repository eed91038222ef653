// Messages (subject and body a mailing sends): each user's own; a superuser sees all.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerFromSession, ownerProperty } from '../features/owner.js';

// the fields a form shows and the only ones a write accepts
const EDITABLE = ['subject', 'body'];

export function messagesResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Message, 'messages', {
      editable: () => EDITABLE,
      // a body can be 1 MB: lists and pickers carry the subject only
      detailOnly: ['body'],
      onCreate: ownerFromSession,
    }),
    options: {
      id: 'messages',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'subject',
      listProperties: ['id', 'subject', 'createdAt'],
      filterProperties: ['subject', 'createdAt'],
      editProperties: EDITABLE,
      showProperties: ['id', 'subject', 'body', 'ownerId', 'createdAt', 'updatedAt'],
      properties: { ...ownerProperty, body: { type: 'textarea' } },
    },
    features: [accessFeature('messages')],
  };
}
