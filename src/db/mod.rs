//! Opening and migrating the database.

pub mod availability;
pub mod reads;

use std::{sync::Arc, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::{
        self,
        sqlite::{SqliteJournalMode, SqliteSynchronous},
    },
    ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr,
};

use crate::config::Config;

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a statement waits for a free connection: a pool that cannot hand one out in
/// this time is overloaded or cut off from its database, and the request is better refused.
/// It is at most half the request timeout, so that such a request fails with its own error
/// before the timeout answers it.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the pool for `config.database_url`. SQLite files are created if missing and run in
/// WAL mode with a busy timeout, so readers never block the writer and writers queue.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    open(&config.database_url, config).await
}

/// Opens the pool for the replica of `config.database_read_url`, if one is named; it is
/// never migrated (it follows the primary). A replica of a SQLite database is refused.
pub async fn connect_replica(config: &Config) -> Result<Option<DatabaseConnection>, DbErr> {
    let Some(url) = &config.database_read_url else {
        return Ok(None);
    };
    if config.is_sqlite() || !url.starts_with("postgres") {
        return Err(DbErr::Custom(
            "DATABASE_READ_URL names a PostgreSQL replica of a PostgreSQL DATABASE_URL".into(),
        ));
    }
    open(url, config).await.map(Some)
}

async fn open(url: &str, config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(config.db_pool_size)
        .min_connections(1)
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT.min(Duration::from_secs(config.request_timeout_secs) / 2))
        // A ping before every checkout doubles the round trips of a request; a broken
        // connection fails its query instead, and the pool replaces it.
        .test_before_acquire(false)
        .sqlx_logging(false);
    if config.is_sqlite() {
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    } else {
        // Every statement is prepared once per connection and its plan kept (a generic plan):
        // otherwise PostgreSQL plans a page statement afresh on every run, because a plan
        // that sees the LIMIT's value always looks cheaper, and planning a page with its joins
        // costs more than running it. A generic plan cannot see the LIMIT either, so it may
        // reach for parallel workers, whose start-up costs far more than a page: reads here
        // are short keyset pages, one backend each.
        options.map_sqlx_postgres_opts(|o| {
            o.options([
                ("plan_cache_mode", "force_generic_plan"),
                ("max_parallel_workers_per_gather", "0"),
            ])
        });
    }
    Database::connect(options).await
}

/// Whether `error` says the database cannot serve the request now: no connection could be had
/// in time, or the one used failed or was ended by the server (see [`is_gone`]).
pub fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
            is_broken(e) || matches!(**e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed)
        }
        _ => false,
    }
}

/// Whether `error` says the database itself is gone: a connection could not be opened, or the
/// one used failed or was ended by the server. A pool that had no connection free in time is
/// busy, not gone.
pub fn is_gone(error: &DbErr) -> bool {
    match error {
        DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
            is_broken(e)
        }
        _ => false,
    }
}

/// Whether `error` says the connection itself is gone: its socket failed, or the server ended
/// the session (SQLSTATE class 08, connection exception, and 57P01 to 57P03, shut down or
/// terminated by an administrator).
pub fn is_broken(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// `error`, from a statement sqlx ran for this crate rather than through SeaORM, as SeaORM
/// reports a failed query.
pub fn query_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
