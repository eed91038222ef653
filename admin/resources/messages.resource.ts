// Messages (subject, HTML body, plain-text part) a mailing sends: each user's own; a superuser sees all. Written
// through the message domain functions (sanitising, the text part, template checks); preview and test send.
import type { ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerFromSession, ownerProperty } from '../features/owner.js';
import { MESSAGE_FIELDS, messageBehaviour, messageService } from './message.behaviour.js';
import { messageActions } from './message.actions.js';

export function messagesResource(ctx: ServiceContext): ResourceWithOptions {
  const service = messageService(ctx);
  return {
    resource: new ScopedResource(ctx.db.models.Message, 'messages', { ...messageBehaviour(ctx, service), onCreate: ownerFromSession }),
    options: {
      id: 'messages',
      navigation: { name: 'Mailings', icon: 'Mail' },
      titleProperty: 'subject',
      listProperties: ['id', 'subject', 'createdAt'],
      filterProperties: ['subject', 'createdAt'],
      editProperties: MESSAGE_FIELDS,
      showProperties: ['id', 'subject', 'html', 'body', 'textCustom', 'ownerId', 'createdAt', 'updatedAt'],
      properties: {
        ...ownerProperty,
        // the back office's rich-text editor (AdminJS richtext): people write mails as they write documents;
        // what it produces is sanitised on save, and {{ name }} is typed as text
        html: { type: 'richtext', position: 2 },
        textCustom: { type: 'boolean', position: 3, isRequired: false },
        body: { type: 'textarea', position: 4, isRequired: false },
      },
      actions: messageActions(ctx, service) as ResourceOptions['actions'],
    },
    features: [accessFeature('messages')],
  };
}
