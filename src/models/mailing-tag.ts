// Link between a mailing and a tag it targets (every client with the tag when a run starts).
import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class MailingTag extends Model<InferAttributes<MailingTag>, InferCreationAttributes<MailingTag>> {
  declare mailingId: number;
  declare tagId: number;
}

export function initMailingTag(sequelize: Sequelize): typeof MailingTag {
  MailingTag.init(
    {
      mailingId: { type: DataTypes.INTEGER, primaryKey: true },
      tagId: { type: DataTypes.INTEGER, primaryKey: true },
    },
    { sequelize, tableName: 'mailing_tags', modelName: 'MailingTag', timestamps: false },
  );
  return MailingTag;
}
