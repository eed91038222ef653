// A person who logs in to the back office (not a recipient: those are clients).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';
import { isTimeZone, LANGUAGES } from '../languages.js';

export const USER_PERMISSIONS = {
  viewAll: 'user.view_all',
  block: 'user.block',
} as const;

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare passwordHash: string;
  declare fullName: CreationOptional<string>;
  /** The name this user's mailings come from; empty: their full name. */
  declare senderName: CreationOptional<string>;
  declare verifiedAt: Date | null;
  declare blockedAt: Date | null;
  declare blockedById: number | null;
  declare isSuperuser: CreationOptional<boolean>;
  declare lastLoginAt: Date | null;
  /** The person's language ('en', 'ru'); null: the browser's or the service's (APP_LOCALE). */
  declare language: CreationOptional<string | null>;
  /** The person's IANA time zone; null: the service's (APP_TIMEZONE). */
  declare timeZone: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initUser(sequelize: Sequelize): typeof User {
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: {
        type: DataTypes.STRING(254),
        allowNull: false,
        validate: { isEmail: { msg: 'Enter a valid e-mail address' }, ...maxLength('An e-mail address', 254) },
        set(value: string) {
          this.setDataValue('email', typeof value === 'string' ? value.trim() : value);
        },
      },
      passwordHash: { type: DataTypes.STRING(255), allowNull: false },
      fullName: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '', validate: maxLength('The name', 200) },
      senderName: {
        type: DataTypes.STRING(200),
        allowNull: false,
        defaultValue: '',
        validate: {
          ...maxLength('The sender name', 200),
          oneLine(value: unknown) {
            // a header value: nodemailer encodes it anyway, but a line break is never meant
            // eslint-disable-next-line no-control-regex
            if (typeof value === 'string' && /[\u0000-\u001f\u007f]/.test(value)) throw new Error('The sender name must be one line of text');
          },
        },
        set(value: unknown) {
          this.setDataValue('senderName', typeof value === 'string' ? value.trim() : (value as string));
        },
      },
      verifiedAt: { type: DataTypes.DATE, allowNull: true },
      blockedAt: { type: DataTypes.DATE, allowNull: true },
      blockedById: { type: DataTypes.INTEGER, allowNull: true },
      isSuperuser: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      lastLoginAt: { type: DataTypes.DATE, allowNull: true },
      language: {
        type: DataTypes.STRING(8),
        allowNull: true,
        set(value: unknown) {
          this.setDataValue('language', value === '' || value === undefined ? null : (value as string));
        },
        validate: { isIn: { args: [[...LANGUAGES]], msg: 'Choose English or Russian' } },
      },
      timeZone: {
        type: DataTypes.STRING(64),
        allowNull: true,
        set(value: unknown) {
          this.setDataValue('timeZone', typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
        },
        validate: {
          known(value: unknown) {
            if (value !== null && value !== undefined && !isTimeZone(value)) throw new Error('Choose a time zone by its IANA name, like Europe/Moscow');
          },
        },
      },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', modelName: 'User', defaultScope: {} },
  );
  return User;
}
