//! Recency terms in the PostgreSQL search documents: each document also holds the term
//! `~r<n>`, where n is its article id divided by 4096 (the server's
//! `domain::search::index::PG_RECENCY_SPAN`), so that the GIN index can find the newest
//! matches of a query without reading the older ones. SQLite's FTS5 index is read in rowid
//! order and needs nothing.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE search_document \
                 SET document = document || ('''~r' || (article_id / 4096) || '''')::tsvector",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE search_document \
                 SET document = ts_delete(document, '~r' || (article_id / 4096))",
            )
            .await?;
        Ok(())
    }
}
