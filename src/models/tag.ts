// A user's own label for clients ("vip", "Москва"); a client carries many, a mailing may target them.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

/** The longest tag name (the column's size). */
export const TAG_NAME_MAX = 100;

export class Tag extends Model<InferAttributes<Tag>, InferCreationAttributes<Tag>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare name: string;
  declare createdAt: CreationOptional<Date>;
}

export function initTag(sequelize: Sequelize): typeof Tag {
  Tag.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(TAG_NAME_MAX), allowNull: false, validate: { notEmpty: { msg: 'A tag needs a name' }, ...maxLength('A tag', TAG_NAME_MAX) } },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'tags', modelName: 'Tag', updatedAt: false },
  );
  return Tag;
}
