//! What partner syndication needs: the rights of articles and media, the licences of partner
//! keys, and the change log (an outbox written in the same transaction as every change of an
//! article) with the changes that fall due later (a scheduled publication, an embargo's end,
//! an expiry).
//!
//! On PostgreSQL each change log row carries the id of the transaction that wrote it, so that
//! the feed can be read in commit-safe order up to the oldest transaction still running.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

use crate::{
    m20261126_000001_create_categories::Category, m20261126_000002_create_articles::Article,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ArticleSyndication::Table)
                    .col(
                        ColumnDef::new(ArticleSyndication::ArticleId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ArticleSyndication::Syndicatable)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(ArticleSyndication::Credit)
                            .string_len(200)
                            .null(),
                    )
                    .col(moment(ArticleSyndication::EmbargoUntil))
                    .col(moment(ArticleSyndication::ExpiresAt))
                    .col(moment(ArticleSyndication::FirstPublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleSyndication::Table, ArticleSyndication::ArticleId)
                            .to(Article::Table, Article::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(Media::Syndicatable)
                .boolean()
                .not_null()
                .default(true)
                .to_owned(),
            moment(Media::EmbargoUntil),
            moment(Media::ExpiresAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Media::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(LicenceLocale::Table)
                    .col(
                        ColumnDef::new(LicenceLocale::ApiKeyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LicenceLocale::Locale)
                            .string_len(8)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(LicenceLocale::ApiKeyId)
                            .col(LicenceLocale::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LicenceLocale::Table, LicenceLocale::ApiKeyId)
                            .to(ApiKey::Table, ApiKey::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LicenceCategory::Table)
                    .col(
                        ColumnDef::new(LicenceCategory::ApiKeyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LicenceCategory::CategoryId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LicenceCategory::WithSubcategories)
                            .boolean()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(LicenceCategory::ApiKeyId)
                            .col(LicenceCategory::CategoryId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LicenceCategory::Table, LicenceCategory::ApiKeyId)
                            .to(ApiKey::Table, ApiKey::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LicenceCategory::Table, LicenceCategory::CategoryId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .col(
                        ColumnDef::new(ChangeLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ChangeLog::Txid)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(ChangeLog::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ChangeLog::ApiKeyId).big_integer().null())
                    .col(ColumnDef::new(ChangeLog::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(ChangeLog::Locale).string_len(8).null())
                    .col(ColumnDef::new(ChangeLog::OldSlug).string_len(200).null())
                    .col(
                        ColumnDef::new(ChangeLog::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("change_log_order")
                    .table(ChangeLog::Table)
                    .col(ChangeLog::Txid)
                    .col(ChangeLog::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("change_log_age")
                    .table(ChangeLog::Table)
                    .col(ChangeLog::RecordedAt)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE change_log \
                     ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint)",
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ChangeDue::Table)
                    .col(
                        ColumnDef::new(ChangeDue::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ChangeDue::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChangeDue::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("change_due_at")
                    .table(ChangeDue::Table)
                    .col(ChangeDue::DueAt)
                    .to_owned(),
            )
            .await?;

        // Articles already out went out when they were published; scheduled ones fall due then.
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO article_syndication (article_id, syndicatable, first_published_at) \
             SELECT id, TRUE, published_at FROM article WHERE published_at IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO change_due (article_id, due_at) \
             SELECT id, published_at FROM article \
             WHERE status = 'published' AND published_at > CURRENT_TIMESTAMP",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChangeDue::Table.into_iden(),
            ChangeLog::Table.into_iden(),
            LicenceCategory::Table.into_iden(),
            LicenceLocale::Table.into_iden(),
            ArticleSyndication::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Media::Syndicatable, Media::EmbargoUntil, Media::ExpiresAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Media::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// An optional point in time.
fn moment(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[derive(DeriveIden)]
enum ArticleSyndication {
    Table,
    ArticleId,
    Syndicatable,
    Credit,
    EmbargoUntil,
    ExpiresAt,
    FirstPublishedAt,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Syndicatable,
    EmbargoUntil,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LicenceLocale {
    Table,
    ApiKeyId,
    Locale,
}

#[derive(DeriveIden)]
enum LicenceCategory {
    Table,
    ApiKeyId,
    CategoryId,
    WithSubcategories,
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Id,
    Txid,
    ArticleId,
    ApiKeyId,
    Kind,
    Locale,
    OldSlug,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ChangeDue {
    Table,
    Id,
    ArticleId,
    DueAt,
}
