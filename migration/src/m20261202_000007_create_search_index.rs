//! The full-text index: one document per article translation, of tokens the server makes
//! (see the server's `domain::search::tokens`), so that both databases match the same way.
//!
//! - SQLite: an FTS5 table without content of its own, whose rowid is the article id times 8
//!   plus the locale's place in the newsroom's order; its `ascii` tokenizer only splits the
//!   server's tokens at the spaces between them. Columns: title, tags, summary, body.
//! - PostgreSQL: a `tsvector` per translation built by the server (title weighted A, tag
//!   names B, summary C, body D) with a GIN index.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_index USING fts5(\
                     title, tags, summary, body, \
                     content = '', contentless_delete = 1, tokenize = 'ascii')",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TABLE search_document (\
                     article_id BIGINT NOT NULL REFERENCES article (id) ON DELETE CASCADE, \
                     locale VARCHAR(8) NOT NULL, \
                     document TSVECTOR NOT NULL, \
                     PRIMARY KEY (article_id, locale))",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX search_document_tokens ON search_document USING GIN (document)",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = match manager.get_database_backend() {
            DbBackend::Sqlite => "search_index",
            _ => "search_document",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!("DROP TABLE {table}"))
            .await?;
        Ok(())
    }
}
