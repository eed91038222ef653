// Users: a person sees their own profile; managers list, show, block and unblock; the superuser does everything.
import type { CurrentAdmin, ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../../src/languages.js';
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
      showProperties: ['id', 'email', 'fullName', 'senderName', 'isSuperuser', 'verifiedAt', 'blockedAt', 'blockedById', 'lastLoginAt', 'createdAt', 'language', 'timeZone'],
      properties: {
        passwordHash: { isVisible: false },
        password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true } },
        blockedById: { ...shownOnly, reference: 'users' },
        // the groups the user is in: on the form of a superuser only (the layout and the domain both say so)
        groupIds: { type: 'reference', reference: 'groups', isArray: true, isVisible: { list: false, filter: false, show: false, edit: true } },
        lastLoginAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
        // empty is allowed (the database fills ''): not marked required on the form
        fullName: { isRequired: false },
        senderName: { isRequired: false, isVisible: { list: false, filter: false, show: true, edit: true } },
        // each language by its own name; empty: the browser's language, else the service's
        language: { availableValues: LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] })) },
        // empty: the service's zone (APP_TIMEZONE)
        timeZone: { availableValues: Intl.supportedValuesOf('timeZone').map((zone) => ({ value: zone, label: zone })) },
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
