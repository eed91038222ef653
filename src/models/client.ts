// A recipient kept by a user: contact e-mail, full name, comment. `unsubscribedAt`: the recipient opted out of this
// owner's mails (only they can undo it); `bouncedAt` + `bounceResponse`: a server said the address does not exist
// (the owner may clear it). Runs skip both (src/sending, the snapshot).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

export class Client extends Model<InferAttributes<Client>, InferCreationAttributes<Client>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare email: string;
  declare fullName: CreationOptional<string>;
  declare comment: CreationOptional<string>;
  declare unsubscribedAt: CreationOptional<Date | null>;
  declare bouncedAt: CreationOptional<Date | null>;
  declare bounceResponse: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initClient(sequelize: Sequelize): typeof Client {
  Client.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      email: {
        type: DataTypes.STRING(254),
        allowNull: false,
        validate: { isEmail: { msg: 'Enter a valid e-mail address' }, ...maxLength('An e-mail address', 254) },
        set(value: string) {
          this.setDataValue('email', typeof value === 'string' ? value.trim() : value);
        },
      },
      fullName: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '', validate: maxLength('The name', 200) },
      comment: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      unsubscribedAt: { type: DataTypes.DATE, allowNull: true },
      bouncedAt: { type: DataTypes.DATE, allowNull: true },
      bounceResponse: { type: DataTypes.TEXT, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'clients', modelName: 'Client' },
  );
  return Client;
}
