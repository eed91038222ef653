// Link between a mailing and one of its clients.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class MailingClient extends Model<InferAttributes<MailingClient>, InferCreationAttributes<MailingClient>> {
  declare mailingId: number;
  declare clientId: number;
  declare createdAt: CreationOptional<Date>;
}

export function initMailingClient(sequelize: Sequelize): typeof MailingClient {
  MailingClient.init(
    {
      mailingId: { type: DataTypes.INTEGER, primaryKey: true },
      clientId: { type: DataTypes.INTEGER, primaryKey: true },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'mailing_clients', modelName: 'MailingClient', updatedAt: false },
  );
  return MailingClient;
}
