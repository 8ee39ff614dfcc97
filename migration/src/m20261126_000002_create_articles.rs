//! Articles, their text per locale, and an index for every list the API serves.

use sea_orm_migration::prelude::*;

use crate::m20261126_000001_create_categories::Category;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Article::Table)
                    .col(
                        ColumnDef::new(Article::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Article::Slug)
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Article::CategoryId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Article::OriginalLocale)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Article::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Article::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Article::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Article::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Article::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Article::Byline).string_len(200).null())
                    .col(ColumnDef::new(Article::SourceUrl).string_len(2048).null())
                    .col(
                        ColumnDef::new(Article::LikeCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Article::Table, Article::CategoryId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        // One index per order the lists are served in; the keyset walks read them in order.
        let indexes: [(&str, Vec<(Article, IndexOrder)>); 4] = [
            (
                "article_latest",
                vec![
                    (Article::Status, IndexOrder::Asc),
                    (Article::PublishedAt, IndexOrder::Desc),
                    (Article::Id, IndexOrder::Desc),
                ],
            ),
            (
                "article_category_latest",
                vec![
                    (Article::CategoryId, IndexOrder::Asc),
                    (Article::PublishedAt, IndexOrder::Desc),
                    (Article::Id, IndexOrder::Desc),
                ],
            ),
            (
                "article_updated",
                vec![
                    (Article::UpdatedAt, IndexOrder::Asc),
                    (Article::Id, IndexOrder::Asc),
                ],
            ),
            (
                "article_most_liked",
                vec![
                    (Article::LikeCount, IndexOrder::Desc),
                    (Article::Id, IndexOrder::Desc),
                ],
            ),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create();
            index.name(name).table(Article::Table);
            for (col, order) in cols {
                index.col((col, order));
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ArticleTranslation::Table)
                    .col(
                        ColumnDef::new(ArticleTranslation::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleTranslation::Locale)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleTranslation::Title)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleTranslation::Summary).text().null())
                    .col(ColumnDef::new(ArticleTranslation::Body).text().not_null())
                    .col(
                        ColumnDef::new(ArticleTranslation::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleTranslation::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ArticleTranslation::ArticleId)
                            .col(ArticleTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTranslation::Table, ArticleTranslation::ArticleId)
                            .to(Article::Table, Article::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("article_translation_locale")
                    .table(ArticleTranslation::Table)
                    .col(ArticleTranslation::Locale)
                    .col(ArticleTranslation::ArticleId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ArticleTranslation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Article::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Article {
    Table,
    Id,
    Slug,
    CategoryId,
    OriginalLocale,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Byline,
    SourceUrl,
    LikeCount,
}

#[derive(DeriveIden)]
enum ArticleTranslation {
    Table,
    ArticleId,
    Locale,
    Title,
    Summary,
    Body,
    CreatedAt,
    UpdatedAt,
}
