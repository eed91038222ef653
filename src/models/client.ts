// A recipient kept by a user: contact e-mail, full name, comment. `unsubscribedAt`: the recipient opted out of this
// owner's mails (only they can undo it); `bouncedAt` + `bounceResponse`: a server said the address does not exist
// (the owner may clear it). Runs skip both (src/sending, the snapshot).
import * as sequelizeModule from 'sequelize';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

/** The sizes of a client's columns, checked before the database would refuse a row. */
export const CLIENT_LIMITS = { email: 254, fullName: 200 } as const;
const EMAIL_INVALID = 'Enter a valid e-mail address';
/** The validator.js Sequelize's `isEmail` rule runs (its typings declare it as a type only). */
const { Validator } = sequelizeModule as unknown as { Validator: { isEmail(value: string): boolean } };

/**
 * The problem with a client's e-mail and name, by field (empty when valid): the same rules as the model's
 * validation below, without building a model (an import checks 100,000 rows with it).
 */
export function clientFieldProblems(values: { email: string; fullName?: string }): Partial<Record<'email' | 'fullName', string>> {
  const problems: Partial<Record<'email' | 'fullName', string>> = {};
  const email = values.email.trim();
  if (email === '' || !Validator.isEmail(email)) problems.email = EMAIL_INVALID;
  else if (email.length > CLIENT_LIMITS.email) problems.email = `An e-mail address is at most ${CLIENT_LIMITS.email} characters`;
  if ((values.fullName ?? '').length > CLIENT_LIMITS.fullName) problems.fullName = `The name is at most ${CLIENT_LIMITS.fullName} characters`;
  return problems;
}

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
        validate: { isEmail: { msg: EMAIL_INVALID }, ...maxLength('An e-mail address', CLIENT_LIMITS.email) },
        set(value: string) {
          this.setDataValue('email', typeof value === 'string' ? value.trim() : value);
        },
      },
      fullName: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '', validate: maxLength('The name', CLIENT_LIMITS.fullName) },
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
