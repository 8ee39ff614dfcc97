//! Whether the database answers, so that requests fail at once while it does not.
//!
//! The instance's listener (PostgreSQL), whose connection ends the moment the database goes,
//! and the authentication of a key that finds the database gone mark it lost; from then on
//! requests are refused at once with `SERVICE_UNAVAILABLE` instead of each waiting for a
//! connection, and one probe asks the database every [`PROBE_EVERY`] until it answers again.
//! A pool with no connection free in time is busy, not gone: its request is refused alone.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;

/// How often the probe asks a lost database.
pub const PROBE_EVERY: Duration = Duration::from_millis(100);

/// How long one probe waits for an answer.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// The database's availability; clones share it.
#[derive(Clone)]
pub struct Availability(Arc<Shared>);

struct Shared {
    db: DatabaseConnection,
    lost: AtomicBool,
}

impl Availability {
    /// The availability of `db`, which answers until shown otherwise.
    pub fn new(db: DatabaseConnection) -> Self {
        Availability(Arc::new(Shared {
            db,
            lost: AtomicBool::new(false),
        }))
    }

    /// Whether the database is known not to answer.
    pub fn is_lost(&self) -> bool {
        self.0.lost.load(Ordering::Acquire)
    }

    /// Marks the database lost, and starts the probe that finds it again.
    pub fn lost(&self) {
        if self.0.lost.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("the database is not answering: requests are refused until it is back");
        let shared = self.0.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if let Ok(Ok(())) = tokio::time::timeout(PROBE_TIMEOUT, shared.db.ping()).await {
                    shared.lost.store(false, Ordering::Release);
                    tracing::info!("the database answers again");
                    return;
                }
            }
        });
    }
}
