// Every model, initialised on one Sequelize instance, and their associations in one place.
import type { Sequelize } from 'sequelize';
import { User, initUser } from './user.js';
import { Group, initGroup } from './group.js';
import { UserGroup, initUserGroup } from './user-group.js';
import { Client, initClient } from './client.js';
import { Message, initMessage } from './message.js';
import { Mailing, initMailing } from './mailing.js';
import { MailingClient, initMailingClient } from './mailing-client.js';
import { Attempt, initAttempt } from './attempt.js';
import { Delivery, initDelivery } from './delivery.js';
import { BlogPost, initBlogPost } from './blog-post.js';
import { AccountToken, initAccountToken } from './account-token.js';
import { Tag, initTag } from './tag.js';
import { ClientTag, initClientTag } from './client-tag.js';
import { MailingTag, initMailingTag } from './mailing-tag.js';
import { ClientImport, initClientImport } from './client-import.js';

export { User, Group, UserGroup, Client, Message, Mailing, MailingClient, Attempt, Delivery, BlogPost, AccountToken };
export { Tag, ClientTag, MailingTag, ClientImport };
export * from './client-import.js';
export * from './user.js';
export * from './mailing.js';
export * from './attempt.js';
export * from './delivery.js';
export * from './blog-post.js';
export * from './account-token.js';

export interface Models {
  sequelize: Sequelize;
  User: typeof User;
  Group: typeof Group;
  UserGroup: typeof UserGroup;
  Client: typeof Client;
  Message: typeof Message;
  Mailing: typeof Mailing;
  MailingClient: typeof MailingClient;
  Attempt: typeof Attempt;
  Delivery: typeof Delivery;
  BlogPost: typeof BlogPost;
  AccountToken: typeof AccountToken;
  Tag: typeof Tag;
  ClientTag: typeof ClientTag;
  MailingTag: typeof MailingTag;
  ClientImport: typeof ClientImport;
}

let initialised: Models | undefined;

function associate(): void {
  User.belongsToMany(Group, { through: UserGroup, foreignKey: 'userId', otherKey: 'groupId', as: 'groups' });
  Group.belongsToMany(User, { through: UserGroup, foreignKey: 'groupId', otherKey: 'userId', as: 'members' });
  User.belongsTo(User, { foreignKey: 'blockedById', as: 'blockedBy' });

  Client.belongsTo(User, { foreignKey: 'ownerId', as: 'owner' });
  Message.belongsTo(User, { foreignKey: 'ownerId', as: 'owner' });

  Mailing.belongsTo(User, { foreignKey: 'ownerId', as: 'owner' });
  Mailing.belongsTo(User, { foreignKey: 'disabledById', as: 'disabledBy' });
  Mailing.belongsTo(Message, { foreignKey: 'messageId', as: 'message' });
  Mailing.belongsToMany(Client, { through: MailingClient, foreignKey: 'mailingId', otherKey: 'clientId', as: 'clients' });
  Client.belongsToMany(Mailing, { through: MailingClient, foreignKey: 'clientId', otherKey: 'mailingId', as: 'mailings' });
  Mailing.hasMany(Attempt, { foreignKey: 'mailingId', as: 'attempts' });

  Attempt.belongsTo(Mailing, { foreignKey: 'mailingId', as: 'mailing' });
  Attempt.hasMany(Delivery, { foreignKey: 'attemptId', as: 'deliveries' });
  Delivery.belongsTo(Attempt, { foreignKey: 'attemptId', as: 'attempt' });
  Delivery.belongsTo(Client, { foreignKey: 'clientId', as: 'client' });

  BlogPost.belongsTo(User, { foreignKey: 'authorId', as: 'author' });
  AccountToken.belongsTo(User, { foreignKey: 'userId', as: 'user' });

  Tag.belongsTo(User, { foreignKey: 'ownerId', as: 'owner' });
  Client.belongsToMany(Tag, { through: ClientTag, foreignKey: 'clientId', otherKey: 'tagId', as: 'tags' });
  Tag.belongsToMany(Client, { through: ClientTag, foreignKey: 'tagId', otherKey: 'clientId', as: 'clients' });
  Mailing.belongsToMany(Tag, { through: MailingTag, foreignKey: 'mailingId', otherKey: 'tagId', as: 'tags' });
  ClientImport.belongsTo(User, { foreignKey: 'ownerId', as: 'owner' });
}

/** Binds every model to the given instance (once per process: Sequelize models are process-wide classes). */
export function initModels(sequelize: Sequelize): Models {
  if (initialised) {
    if (initialised.sequelize !== sequelize) throw new Error('The models are already bound to another Sequelize instance');
    return initialised;
  }
  initUser(sequelize);
  initGroup(sequelize);
  initUserGroup(sequelize);
  initClient(sequelize);
  initMessage(sequelize);
  initMailing(sequelize);
  initMailingClient(sequelize);
  initAttempt(sequelize);
  initDelivery(sequelize);
  initBlogPost(sequelize);
  initAccountToken(sequelize);
  initTag(sequelize);
  initClientTag(sequelize);
  initMailingTag(sequelize);
  initClientImport(sequelize);
  associate();
  initialised = {
    sequelize, User, Group, UserGroup, Client, Message, Mailing, MailingClient, Attempt, Delivery, BlogPost, AccountToken,
    Tag, ClientTag, MailingTag, ClientImport,
  };
  return initialised;
}
