//! Likes: one row per reader and article, with the time it was given.

use sea_orm_migration::prelude::*;

use crate::m20261126_000002_create_articles::Article;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ArticleLike::Table)
                    .col(
                        ColumnDef::new(ArticleLike::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleLike::Liker)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleLike::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ArticleLike::ArticleId)
                            .col(ArticleLike::Liker),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleLike::Table, ArticleLike::ArticleId)
                            .to(Article::Table, Article::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Windowed rankings ("most liked this week") scan likes by time.
        manager
            .create_index(
                Index::create()
                    .name("article_like_created")
                    .table(ArticleLike::Table)
                    .col(ArticleLike::CreatedAt)
                    .col(ArticleLike::ArticleId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ArticleLike::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ArticleLike {
    Table,
    ArticleId,
    Liker,
    CreatedAt,
}
