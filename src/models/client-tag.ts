// Link between a client and one of its tags.
import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class ClientTag extends Model<InferAttributes<ClientTag>, InferCreationAttributes<ClientTag>> {
  declare tagId: number;
  declare clientId: number;
}

export function initClientTag(sequelize: Sequelize): typeof ClientTag {
  ClientTag.init(
    {
      tagId: { type: DataTypes.INTEGER, primaryKey: true },
      clientId: { type: DataTypes.INTEGER, primaryKey: true },
    },
    { sequelize, tableName: 'client_tags', modelName: 'ClientTag', timestamps: false },
  );
  return ClientTag;
}
