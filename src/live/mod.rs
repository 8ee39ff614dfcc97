//! Live updates: who watches what, how events reach this instance from the others, and the
//! one watcher of publications.
//!
//! Every subscriber of this process receives the events of [`Changes::events`]. On SQLite
//! they start here, where the writes are made. On PostgreSQL every instance hears every write
//! through the channel [`crate::domain::events::CHANNEL`] ([`postgres`]), its own writes
//! included, and a listener that lost its connection makes up for what it may have missed once
//! it is back: it forgets every cache, announces the current like count of every article
//! watched here, and has the watcher of publications look again.

pub mod postgres;
pub mod publications;

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use sea_orm::DatabaseConnection;
use tokio::sync::{watch, Notify};

use crate::{
    config::Config, db::availability::Availability, domain::changes::Changes, metrics::Metrics,
};

/// The live side of one instance; clones share it.
#[derive(Clone)]
pub struct Live {
    shared: Arc<Shared>,
}

struct Shared {
    /// Subscribers of like counts, by article.
    watched: Mutex<HashMap<i64, usize>>,
    /// Subscribers of publications.
    followers: AtomicUsize,
    /// Wakes the watcher of publications when a first subscriber arrives.
    followed: Notify,
    /// Open WebSocket connections, by client address.
    connections: Mutex<HashMap<IpAddr, usize>>,
    /// Wakes whoever waits for the last WebSocket to close.
    closed: Notify,
    /// Moves to `true` when the server shuts down: every WebSocket then closes.
    stopping: watch::Sender<bool>,
    /// Whether this instance hears the others (always on SQLite, where there are none).
    listening: watch::Sender<bool>,
    metrics: Metrics,
}

impl Live {
    /// Starts the live side of an instance serving `db`: on PostgreSQL its listener and the
    /// sender of its signals, on every database the watcher of publications. A listener that
    /// loses its connection marks the database lost in `availability`.
    pub fn start(
        db: &DatabaseConnection,
        config: &Config,
        changes: &Changes,
        metrics: &Metrics,
        availability: &Availability,
    ) -> Live {
        let live = Live {
            shared: Arc::new(Shared {
                watched: Mutex::new(HashMap::new()),
                followers: AtomicUsize::new(0),
                followed: Notify::new(),
                connections: Mutex::new(HashMap::new()),
                closed: Notify::new(),
                stopping: watch::channel(false).0,
                listening: watch::channel(config.is_sqlite()).0,
                metrics: metrics.clone(),
            }),
        };
        if !config.is_sqlite() {
            postgres::start(db, changes, &live, availability);
        }
        publications::start(db, changes, &live);
        live
    }

    /// Counts a subscriber of `article_id`'s like count until the returned guard is dropped.
    pub fn watch(&self, article_id: i64) -> Watching {
        *self
            .shared
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(article_id)
            .or_default() += 1;
        self.shared.metrics.subscriptions.inc();
        Watching {
            live: self.clone(),
            article_id: Some(article_id),
        }
    }

    /// Counts a subscriber of publications until the returned guard is dropped.
    pub fn follow(&self) -> Watching {
        self.shared.metrics.subscriptions.inc();
        if self.shared.followers.fetch_add(1, Ordering::AcqRel) == 0 {
            self.shared.followed.notify_one();
        }
        Watching {
            live: self.clone(),
            article_id: None,
        }
    }

    /// Whether anyone here follows publications.
    pub fn followed(&self) -> bool {
        self.shared.followers.load(Ordering::Acquire) > 0
    }

    /// Waits until a first subscriber of publications arrives.
    pub async fn first_follower(&self) {
        self.shared.followed.notified().await;
    }

    /// The articles whose like count someone here watches.
    pub fn watched(&self) -> Vec<i64> {
        self.shared
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect()
    }

    /// Counts a WebSocket connection from `address` until the returned guard is dropped;
    /// `None` when `address` already holds `max` of them.
    pub fn connect(&self, address: IpAddr, max: usize) -> Option<Connected> {
        let mut open = self
            .shared
            .connections
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let count = open.entry(address).or_default();
        if *count >= max {
            if *count == 0 {
                open.remove(&address);
            }
            return None;
        }
        *count += 1;
        self.shared.metrics.websockets.inc();
        Some(Connected {
            live: self.clone(),
            address,
        })
    }

    /// How many WebSocket connections are open.
    pub fn open_connections(&self) -> usize {
        self.shared
            .connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }

    /// Tells every WebSocket that the server is shutting down, and waits until they have all
    /// closed, or `patience` has passed.
    pub async fn stop(&self, patience: std::time::Duration) {
        self.shared.stopping.send_replace(true);
        let closed = async {
            loop {
                let notified = self.shared.closed.notified();
                if self.open_connections() == 0 {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(patience, closed).await.is_err() {
            tracing::warn!(
                open = self.open_connections(),
                "WebSockets still open at shutdown"
            );
        }
    }

    /// Waits until this instance hears the other instances' changes (at once on SQLite), or
    /// `patience` has passed; whether it does.
    pub async fn until_listening(&self, patience: std::time::Duration) -> bool {
        let mut listening = self.shared.listening.subscribe();
        tokio::time::timeout(patience, listening.wait_for(|on| *on))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Records whether this instance hears the others.
    fn set_listening(&self, on: bool) {
        self.shared.listening.send_replace(on);
    }

    /// Moves to `true` when the server shuts down.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.shared.stopping.subscribe()
    }
}

/// One WebSocket connection, counted while it lives.
pub struct Connected {
    live: Live,
    address: IpAddr,
}

impl Drop for Connected {
    fn drop(&mut self) {
        let shared = &self.live.shared;
        shared.metrics.websockets.dec();
        {
            let mut open = shared.connections.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(count) = open.get_mut(&self.address) {
                *count -= 1;
                if *count == 0 {
                    open.remove(&self.address);
                }
            }
        }
        shared.closed.notify_waiters();
    }
}

/// One subscriber, counted while it lives.
pub struct Watching {
    live: Live,
    article_id: Option<i64>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.live.shared.metrics.subscriptions.dec();
        let Some(id) = self.article_id else {
            self.live.shared.followers.fetch_sub(1, Ordering::AcqRel);
            return;
        };
        {
            let mut watched = self
                .live
                .shared
                .watched
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if let Some(count) = watched.get_mut(&id) {
                *count -= 1;
                if *count == 0 {
                    watched.remove(&id);
                }
            }
        }
    }
}
