// A blog post for the public site; no publication date means a draft.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { maxLength } from './limits.js';

export const BLOG_PERMISSIONS = {
  manage: 'blog.manage',
} as const;

export class BlogPost extends Model<InferAttributes<BlogPost>, InferCreationAttributes<BlogPost>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare content: string;
  declare image: CreationOptional<string | null>;
  declare viewsCount: CreationOptional<number>;
  declare publishedAt: CreationOptional<Date | null>;
  declare authorId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initBlogPost(sequelize: Sequelize): typeof BlogPost {
  BlogPost.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      title: { type: DataTypes.STRING(200), allowNull: false, validate: { notEmpty: { msg: 'A post needs a title' }, ...maxLength('The title', 200) } },
      content: { type: DataTypes.TEXT, allowNull: false },
      image: { type: DataTypes.STRING(500), allowNull: true },
      viewsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      publishedAt: { type: DataTypes.DATE, allowNull: true },
      authorId: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'blog_posts', modelName: 'BlogPost' },
  );
  return BlogPost;
}
