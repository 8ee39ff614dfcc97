//! Opening and migrating the database.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, Database, DatabaseConnection, DbErr,
};

use crate::config::Config;

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the pool for `config.database_url`. SQLite files are created if missing and run in
/// WAL mode with a busy timeout, so readers never block the writer and writers queue.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_pool_size)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        // A ping before every checkout doubles the round trips of a request; a broken
        // connection fails its query instead, and the pool replaces it.
        .test_before_acquire(false)
        .sqlx_logging(false);
    if !config.is_sqlite() {
        // Every read is a short keyset page. A prepared page statement's generic plan cannot
        // see its LIMIT and may plan parallel workers, whose start-up costs far more than the
        // page itself; one backend per statement also keeps throughput even under load.
        options.map_sqlx_postgres_opts(|o| {
            o.options([
                ("max_parallel_workers_per_gather", "0"),
                ("plan_cache_mode", "force_generic_plan"),
            ])
        });
    }
    if config.is_sqlite() {
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    }
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
