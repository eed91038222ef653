// A recipient kept by a user: contact e-mail, full name, comment.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

export class Client extends Model<InferAttributes<Client>, InferCreationAttributes<Client>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare email: string;
  declare fullName: CreationOptional<string>;
  declare comment: CreationOptional<string>;
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
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'clients', modelName: 'Client' },
  );
  return Client;
}
