// Membership of a user in a group.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class UserGroup extends Model<InferAttributes<UserGroup>, InferCreationAttributes<UserGroup>> {
  declare userId: number;
  declare groupId: number;
  declare createdAt: CreationOptional<Date>;
}

export function initUserGroup(sequelize: Sequelize): typeof UserGroup {
  UserGroup.init(
    {
      userId: { type: DataTypes.INTEGER, primaryKey: true },
      groupId: { type: DataTypes.INTEGER, primaryKey: true },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'user_groups', modelName: 'UserGroup', updatedAt: false },
  );
  return UserGroup;
}
