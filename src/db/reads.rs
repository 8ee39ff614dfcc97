//! Read statements on PostgreSQL connections of their own, which go back to their pool as they
//! are.
//!
//! sqlx's pool sends `Sync` and waits for `ReadyForQuery` whenever a connection comes back to
//! it, whatever its options say: a second round trip for every statement, and a second
//! wake-up of a PostgreSQL backend. A read that ran to its end has already read its
//! `ReadyForQuery`, so a connection here goes back without one. A read that failed, or whose
//! request was dropped before it ended, takes its connection out of the pool instead, and the
//! pool opens another when one is wanted. On SQLite, reads go through SeaORM's pool: there is
//! no round trip to save.

use std::{sync::Arc, time::Duration};

use deadpool::{
    managed::{self, Metrics, Object, PoolError, RecycleError, RecycleResult},
    Runtime,
};
use prometheus::{Histogram, IntCounter};
use sea_orm::{
    sqlx::{
        self,
        postgres::{PgConnectOptions, PgConnection},
        ConnectOptions,
    },
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr,
    Statement, StatementBuilder, Values,
};
use sea_query_sqlx::SqlxValues;

use super::{is_broken, ACQUIRE_TIMEOUT, CONNECT_TIMEOUT};

/// How long a connection serves before it is replaced, as in sqlx's pool.
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Read statements: on connections of their own on PostgreSQL, on the database's pool on
/// SQLite. Clones share the connections.
#[derive(Clone)]
pub struct Reads {
    db: DatabaseConnection,
    own: Option<managed::Pool<Opener>>,
    /// How many times a read may be sent: once for each connection the pool may hold (each
    /// may turn out broken), and once more on a new one.
    attempts: usize,
    statements: IntCounter,
    waits: Histogram,
}

/// What runs read statements: SeaORM's pool, or [`Reads`], which saves PostgreSQL a round
/// trip for each.
pub trait ReadAll: Sync {
    /// Every row `statement` reads.
    fn read_all<S: StatementBuilder + Sync>(
        &self,
        statement: &S,
    ) -> impl std::future::Future<Output = Result<Vec<QueryResult>, DbErr>> + Send;
}

impl ReadAll for DatabaseConnection {
    async fn read_all<S: StatementBuilder + Sync>(
        &self,
        statement: &S,
    ) -> Result<Vec<QueryResult>, DbErr> {
        self.query_all(statement).await
    }
}

impl ReadAll for Reads {
    async fn read_all<S: StatementBuilder + Sync>(
        &self,
        statement: &S,
    ) -> Result<Vec<QueryResult>, DbErr> {
        self.all(statement).await
    }
}

/// The connections of a pool as they are now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open and free.
    pub idle: usize,
    /// Open and in use.
    pub busy: usize,
    /// The most the pool opens.
    pub max: usize,
    /// Statements waiting for a connection.
    pub waiting: usize,
}

impl Reads {
    /// Reads for `db`: on PostgreSQL, up to as many connections of their own as `db`'s pool
    /// holds, opened with its settings. Every statement sent is counted in `statements`, and
    /// every wait for a connection timed in `waits`.
    pub fn new(db: DatabaseConnection, statements: IntCounter, waits: Histogram) -> Self {
        let size = match db.get_database_backend() {
            DbBackend::Postgres => db
                .get_postgres_connection_pool()
                .options()
                .get_max_connections() as usize,
            _ => 0,
        };
        // Reads wait for a connection as long as the pool they stand beside does.
        let acquire_timeout = match db.get_database_backend() {
            DbBackend::Postgres => db
                .get_postgres_connection_pool()
                .options()
                .get_acquire_timeout(),
            _ => ACQUIRE_TIMEOUT,
        };
        let own = (size > 0).then(|| {
            let opener = Opener {
                options: PgConnectOptions::clone(
                    &db.get_postgres_connection_pool().connect_options(),
                ),
            };
            managed::Pool::builder(opener)
                .max_size(size)
                .runtime(Runtime::Tokio1)
                .wait_timeout(Some(acquire_timeout))
                .create_timeout(Some(CONNECT_TIMEOUT))
                .build()
                .expect("a pool with timeouts and the runtime they need")
        });
        Reads {
            db,
            own,
            attempts: size + 1,
            statements,
            waits,
        }
    }

    /// The connections of the pool of reads' own, on PostgreSQL.
    pub fn status(&self) -> Option<PoolStatus> {
        self.own.as_ref().map(|pool| {
            let status = pool.status();
            PoolStatus {
                idle: status.available,
                busy: status.size.saturating_sub(status.available),
                max: status.max_size,
                waiting: status.waiting,
            }
        })
    }

    /// The database the statements run on.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Every row `statement` reads. `statement` must only read: a read that meets a broken
    /// connection (the database restarted, or closed it) runs again on another, at most
    /// once for each connection the pool may hold and once more on a new one.
    pub async fn all<S: StatementBuilder>(&self, statement: &S) -> Result<Vec<QueryResult>, DbErr> {
        let Some(pool) = &self.own else {
            return self.db.query_all(statement).await;
        };
        let statement = statement.build(&DbBackend::Postgres);
        let mut left = self.attempts;
        loop {
            self.statements.inc();
            left -= 1;
            match Self::read(pool, &statement, &self.waits).await {
                Ok(rows) => return Ok(rows.into_iter().map(QueryResult::from).collect()),
                Err(Failure::Query(e)) if left > 0 && is_broken(&e) => {}
                Err(failure) => return Err(failure.into()),
            }
        }
    }

    async fn read(
        pool: &managed::Pool<Opener>,
        statement: &Statement,
        waits: &Histogram,
    ) -> Result<Vec<sqlx::postgres::PgRow>, Failure> {
        let waiting = waits.start_timer();
        let connection = pool.get().await.map_err(Failure::Acquire)?;
        waiting.observe_duration();
        let mut held = Held(Some(connection));
        let values = statement.values.clone().unwrap_or(Values(Vec::new()));
        let rows = sqlx::query_with(
            sqlx::AssertSqlSafe(statement.sql.as_str()),
            SqlxValues(values),
        )
        .fetch_all(held.connection())
        .await
        .map_err(Failure::Query)?;
        held.release();
        Ok(rows)
    }
}

/// A connection taken from the pool. Dropped before [`Held::release`] (the statement failed,
/// or the request went away while it ran), it leaves the pool, which may open another.
struct Held(Option<Object<Opener>>);

impl Held {
    fn connection(&mut self) -> &mut PgConnection {
        self.0
            .as_deref_mut()
            .expect("a held connection until it is released")
    }

    /// Gives the connection back to the pool, ready for the next statement.
    fn release(mut self) {
        self.0.take();
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(connection) = self.0.take() {
            drop(Object::take(connection));
        }
    }
}

/// Why a read failed.
enum Failure {
    /// No connection could be had.
    Acquire(PoolError<sqlx::Error>),
    /// The statement failed, or its connection did (see [`is_broken`]).
    Query(sqlx::Error),
}

impl From<Failure> for DbErr {
    fn from(failure: Failure) -> DbErr {
        match failure {
            Failure::Acquire(PoolError::Timeout(_)) => {
                DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)
            }
            Failure::Acquire(PoolError::Closed) => {
                DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)
            }
            Failure::Acquire(PoolError::Backend(e)) => {
                DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e)))
            }
            Failure::Acquire(other) => DbErr::Conn(RuntimeErr::Internal(other.to_string())),
            Failure::Query(e) => super::query_error(e),
        }
    }
}

/// Opens the connections of [`Reads`], with the settings of SeaORM's pool.
struct Opener {
    options: PgConnectOptions,
}

impl managed::Manager for Opener {
    type Type = PgConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PgConnection, sqlx::Error> {
        self.options.connect().await
    }

    async fn recycle(&self, _: &mut PgConnection, metrics: &Metrics) -> RecycleResult<sqlx::Error> {
        if metrics.age() > MAX_LIFETIME {
            Err(RecycleError::message("past its lifetime"))
        } else {
            Ok(())
        }
    }
}
