//! "What has this reader liked": like state for a page of articles, by liker first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("article_like_liker")
                    .table(ArticleLike::Table)
                    .col(ArticleLike::Liker)
                    .col(ArticleLike::ArticleId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("article_like_liker")
                    .table(ArticleLike::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ArticleLike {
    Table,
    ArticleId,
    Liker,
}
