//! The instances of one PostgreSQL database hear each other's writes: LISTEN on one
//! connection of its own per instance, NOTIFY from another.
//!
//! Like counts are notified inside the transaction that moves them (see
//! [`crate::domain::likes`]), and so reach every instance, this one too, in commit order.
//! Other writes are notified once they have returned, from a queue, so that the caches of the
//! other instances follow them. A listener that loses its connection (the database restarted)
//! connects again and makes up for what it may have missed: see [`catch_up`].

use std::time::Duration;

use chrono::Utc;
use entity::article;
use sea_orm::{
    sqlx::{
        self,
        postgres::{PgConnectOptions, PgConnection, PgListener, PgPoolOptions},
        ConnectOptions,
    },
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use tokio::sync::mpsc;

use super::Live;
use crate::{
    db::availability::Availability,
    domain::{
        changes::{Change, Changes},
        events::{Changed, Event, LikeCount, Signal, CHANNEL},
    },
};

/// The `application_name` of the listener's connection, by which an operator finds it.
pub const LISTENER: &str = "newswire-listener";

/// How many signals wait to be sent before new ones are dropped.
const SIGNAL_BACKLOG: usize = 4096;

/// The longest wait between two attempts to reach the database.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The first wait after a failed attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);

/// How long one attempt to connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a signal is tried before it is given up: by then the database was away long
/// enough that every other listener lost its connection too, and made up for it.
const SIGNAL_PATIENCE: Duration = Duration::from_secs(10);

/// Starts the listener of this instance and the sender of its signals.
pub fn start(db: &DatabaseConnection, changes: &Changes, live: &Live, availability: &Availability) {
    let options = PgConnectOptions::clone(&db.get_postgres_connection_pool().connect_options());
    let (outbound, queue) = mpsc::channel(SIGNAL_BACKLOG);
    changes.send_signals(outbound);
    tokio::spawn(send(options.clone(), queue, live.clone()));
    let listening = options.application_name(LISTENER);
    tokio::spawn(listen(
        listening,
        db.clone(),
        changes.clone(),
        live.clone(),
        availability.clone(),
    ));
}

/// Sends the signals of this instance's writes, each once, as they come.
async fn send(options: PgConnectOptions, mut queue: mpsc::Receiver<Signal>, live: Live) {
    let mut connection: Option<PgConnection> = None;
    while let Some(first) = queue.recv().await {
        // Writes come in bursts; one signal says as much as many alike.
        let mut batch = vec![first];
        while let Ok(next) = queue.try_recv() {
            if !batch.contains(&next) {
                batch.push(next);
            }
        }
        for signal in batch {
            let payload = signal.encode();
            let deadline = tokio::time::Instant::now() + SIGNAL_PATIENCE;
            let mut backoff = FIRST_BACKOFF;
            loop {
                match notify(&mut connection, &options, &payload).await {
                    Ok(()) => {
                        live.shared.metrics.signals_sent.inc();
                        break;
                    }
                    Err(error) => {
                        connection = None;
                        if tokio::time::Instant::now() >= deadline {
                            tracing::warn!(%error, "a change could not be signalled to the other instances");
                            break;
                        }
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                    }
                }
            }
        }
    }
}

/// Sends one notification, on `connection` or on a new one.
async fn notify(
    connection: &mut Option<PgConnection>,
    options: &PgConnectOptions,
    payload: &str,
) -> Result<(), sqlx::Error> {
    if connection.is_none() {
        let opened = tokio::time::timeout(CONNECT_TIMEOUT, options.connect())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)??;
        *connection = Some(opened);
    }
    let Some(conn) = connection.as_mut() else {
        return Err(sqlx::Error::PoolClosed);
    };
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// Hears every instance's signals, this one's own too, for as long as the process runs.
async fn listen(
    options: PgConnectOptions,
    db: DatabaseConnection,
    changes: Changes,
    live: Live,
    availability: Availability,
) {
    let mut first = true;
    loop {
        let mut listener = connect(&options).await;
        live.set_listening(true);
        if first {
            first = false;
        } else {
            catch_up(&db, &changes, &live).await;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => hear(&changes, &live, notification.payload()),
                Ok(None) => {
                    // The connection was lost, and is open again: whatever was signalled
                    // meanwhile went unheard.
                    tracing::info!("the listener for other instances' changes reconnected");
                    live.shared.metrics.listener_reconnects.inc();
                    catch_up(&db, &changes, &live).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "the listener for other instances' changes lost its connection");
                    availability.lost();
                    live.shared.metrics.listener_reconnects.inc();
                    live.set_listening(false);
                    break;
                }
            }
        }
    }
}

/// A listener on [`CHANNEL`], once the database takes one.
async fn connect(options: &PgConnectOptions) -> PgListener {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options.clone());
        let attempt = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match tokio::time::timeout(CONNECT_TIMEOUT * 2, attempt).await {
            Ok(Ok(listener)) => return listener,
            Ok(Err(error)) => {
                tracing::debug!(%error, "the listener cannot reach the database yet");
            }
            Err(_) => tracing::debug!("the listener timed out reaching the database"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Follows one signal.
fn hear(changes: &Changes, live: &Live, payload: &str) {
    let Some(signal) = Signal::decode(payload) else {
        tracing::debug!(payload, "a signal of another version was ignored");
        return;
    };
    let elsewhere = signal.origin != changes.origin();
    match signal.what {
        Changed::Like {
            article_id,
            count,
            at,
        } => {
            if elsewhere {
                changes.changed_elsewhere(Change::Likes);
            }
            live.shared.metrics.events_heard.inc();
            changes.announce(Event::LikeCount(LikeCount {
                article_id,
                like_count: count,
                sequence: changes.next_sequence(),
                at,
            }));
        }
        Changed::Articles if elsewhere => changes.changed_elsewhere(Change::Articles),
        Changed::Categories if elsewhere => changes.changed_elsewhere(Change::Categories),
        Changed::Articles | Changed::Categories => {}
    }
}

/// Makes up for signals that went unheard: every cache forgets what it kept, the watcher of
/// publications looks again, and every like count watched here is announced as it now is
/// (subscribers pass on only a count that differs from the last they passed on).
async fn catch_up(db: &DatabaseConnection, changes: &Changes, live: &Live) {
    changes.anything_changed_elsewhere();
    let watched = live.watched();
    if watched.is_empty() {
        return;
    }
    let counts = article::Entity::find()
        .select_only()
        .columns([article::Column::Id, article::Column::LikeCount])
        .filter(article::Column::Id.is_in(watched))
        .into_tuple::<(i64, i32)>()
        .all(db)
        .await;
    match counts {
        Ok(counts) => {
            let at = Utc::now();
            for (article_id, like_count) in counts {
                changes.announce(Event::LikeCount(LikeCount {
                    article_id,
                    like_count,
                    sequence: changes.next_sequence(),
                    at,
                }));
            }
        }
        Err(error) => tracing::warn!(%error, "like counts could not be read after a reconnect"),
    }
}
