//! Tags with their names per locale and their place on articles; photos and videos of
//! articles with their captions per locale.

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
                    .table(Tag::Table)
                    .col(id(Tag::Id))
                    .col(
                        ColumnDef::new(Tag::Slug)
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Tag::Kind).string_len(16).not_null())
                    .col(time(Tag::CreatedAt))
                    .col(time(Tag::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("tag_kind")
                    .table(Tag::Table)
                    .col(Tag::Kind)
                    .col(Tag::Slug)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TagName::Table)
                    .col(ColumnDef::new(TagName::TagId).big_integer().not_null())
                    .col(ColumnDef::new(TagName::Locale).string_len(8).not_null())
                    .col(ColumnDef::new(TagName::Name).string_len(120).not_null())
                    .primary_key(Index::create().col(TagName::TagId).col(TagName::Locale))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TagName::Table, TagName::TagId)
                            .to(Tag::Table, Tag::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleTag::Table)
                    .col(
                        ColumnDef::new(ArticleTag::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleTag::TagId).big_integer().not_null())
                    .col(ColumnDef::new(ArticleTag::Position).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(ArticleTag::ArticleId)
                            .col(ArticleTag::TagId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTag::Table, ArticleTag::ArticleId)
                            .to(Article::Table, Article::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTag::Table, ArticleTag::TagId)
                            .to(Tag::Table, Tag::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A tag's articles, and the filter `tag`, read from the tag's side.
        manager
            .create_index(
                Index::create()
                    .name("article_tag_by_tag")
                    .table(ArticleTag::Table)
                    .col(ArticleTag::TagId)
                    .col(ArticleTag::ArticleId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(id(Media::Id))
                    .col(ColumnDef::new(Media::ArticleId).big_integer().not_null())
                    .col(ColumnDef::new(Media::Kind).string_len(8).not_null())
                    .col(ColumnDef::new(Media::Role).string_len(12).not_null())
                    .col(ColumnDef::new(Media::Position).integer().not_null())
                    .col(ColumnDef::new(Media::Url).string_len(2048).null())
                    .col(ColumnDef::new(Media::Width).integer().null())
                    .col(ColumnDef::new(Media::Height).integer().null())
                    .col(ColumnDef::new(Media::Provider).string_len(16).null())
                    .col(ColumnDef::new(Media::ExternalId).string_len(64).null())
                    .col(ColumnDef::new(Media::DurationSeconds).integer().null())
                    .col(ColumnDef::new(Media::ThumbnailId).big_integer().null())
                    .col(ColumnDef::new(Media::Credit).string_len(200).null())
                    .col(ColumnDef::new(Media::Licence).string_len(200).null())
                    .col(time(Media::CreatedAt))
                    .col(time(Media::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Media::Table, Media::ArticleId)
                            .to(Article::Table, Article::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Media::Table, Media::ThumbnailId)
                            .to(Media::Table, Media::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // An article's media in order, and the filters `hasVideo` and `hasPhotos`.
        manager
            .create_index(
                Index::create()
                    .name("media_of_article")
                    .table(Media::Table)
                    .col(Media::ArticleId)
                    .col(Media::Role)
                    .col(Media::Kind)
                    .col(Media::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MediaText::Table)
                    .col(ColumnDef::new(MediaText::MediaId).big_integer().not_null())
                    .col(ColumnDef::new(MediaText::Locale).string_len(8).not_null())
                    .col(ColumnDef::new(MediaText::Caption).string_len(1000).null())
                    .col(ColumnDef::new(MediaText::Alt).string_len(500).null())
                    .primary_key(
                        Index::create()
                            .col(MediaText::MediaId)
                            .col(MediaText::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MediaText::Table, MediaText::MediaId)
                            .to(Media::Table, Media::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MediaText::Table.into_iden(),
            Media::Table.into_iden(),
            ArticleTag::Table.into_iden(),
            TagName::Table.into_iden(),
            Tag::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// An auto-incremented big-integer primary key.
fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A required point in time.
fn time(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[derive(DeriveIden)]
enum Tag {
    Table,
    Id,
    Slug,
    Kind,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TagName {
    Table,
    TagId,
    Locale,
    Name,
}

#[derive(DeriveIden)]
enum ArticleTag {
    Table,
    ArticleId,
    TagId,
    Position,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    ArticleId,
    Kind,
    Role,
    Position,
    Url,
    Width,
    Height,
    Provider,
    ExternalId,
    DurationSeconds,
    ThumbnailId,
    Credit,
    Licence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MediaText {
    Table,
    MediaId,
    Locale,
    Caption,
    Alt,
}
