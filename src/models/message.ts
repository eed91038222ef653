// The subject, HTML body and plain-text part a mailing sends (templates: src/messages/). `body` is the plain-text
// part: generated from the HTML when saved, or written by hand (`textCustom`).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

/** A message body is at most 1 MB (1,048,576 bytes of UTF-8): larger mails are refused by mail servers anyway. */
export const MESSAGE_BODY_MAX_BYTES = 1024 * 1024;

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare subject: string;
  /** The plain-text part. */
  declare body: string;
  /** The HTML body, sanitised when saved; '' for a message sent as plain text only. */
  declare html: CreationOptional<string>;
  /** True when the plain-text part was written by hand instead of generated from the HTML. */
  declare textCustom: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initMessage(sequelize: Sequelize): typeof Message {
  Message.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      subject: { type: DataTypes.STRING(255), allowNull: false, validate: { notEmpty: { msg: 'A message needs a subject' }, ...maxLength('The subject', 255) } },
      body: {
        type: DataTypes.TEXT,
        allowNull: false,
        validate: {
          atMostOneMegabyte(value: unknown) {
            if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MESSAGE_BODY_MAX_BYTES) {
              throw new Error(`The body is larger than 1 MB (${MESSAGE_BODY_MAX_BYTES.toLocaleString('en')} bytes): shorten it or link to the rest`);
            }
          },
        },
      },
      html: {
        type: DataTypes.TEXT,
        allowNull: false,
        defaultValue: '',
        validate: {
          atMostOneMegabyte(value: unknown) {
            if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MESSAGE_BODY_MAX_BYTES) {
              throw new Error(`The HTML body is larger than 1 MB (${MESSAGE_BODY_MAX_BYTES.toLocaleString('en')} bytes): shorten it or link to the rest`);
            }
          },
        },
      },
      textCustom: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'messages', modelName: 'Message' },
  );
  return Message;
}
