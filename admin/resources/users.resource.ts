// Users: a person sees their own profile; managers list, show, block and unblock; the superuser does everything.
import type { CurrentAdmin, ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { userBehaviour, userFields } from './user.behaviour.js';
import { userActions } from './user.actions.js';
import { endOtherSessionsOnPasswordChange, withoutPassword } from './user.hooks.js';

const shownOnly = { isVisible: { list: false, filter: false, show: true, edit: false } };

export function usersResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.User, 'users', userBehaviour(ctx)),
    options: {
      id: 'users',
      navigation: { name: 'People', icon: 'User' },
      titleProperty: 'email',
      listProperties: ['id', 'email', 'fullName', 'isSuperuser', 'verifiedAt', 'blockedAt', 'lastLoginAt'],
      filterProperties: ['email', 'fullName', 'isSuperuser', 'blockedAt', 'createdAt'],
      editProperties: userFields(true),
      showProperties: ['id', 'email', 'fullName', 'senderName', 'isSuperuser', 'verifiedAt', 'blockedAt', 'blockedById', 'lastLoginAt', 'createdAt'],
      properties: {
        passwordHash: { isVisible: false },
        password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true } },
        blockedById: { ...shownOnly, reference: 'users' },
        lastLoginAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
        senderName: { isVisible: { list: false, filter: false, show: true, edit: true } },
      },
      actions: {
        ...userActions(ctx),
        new: { after: [withoutPassword] },
        // a person editing their own profile sees only what they may change (the server ignores the rest anyway)
        edit: { after: [withoutPassword, endOtherSessionsOnPasswordChange(ctx)], layout: (currentAdmin?: CurrentAdmin) => userFields(currentAdmin?.isSuperuser) },
      } as ResourceOptions['actions'],
    },
    features: [accessFeature('users')],
  };
}
