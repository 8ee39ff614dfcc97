//! The database goes away under load and comes back: requests fail fast with a clear error
//! while it is away, all succeed again soon after, subscribers stay connected and hear what
//! follows, and no like is lost or counted twice. On a cluster of the test's own, so that
//! the shared server is never stopped; `bench/faults.sh` runs the long form (a ten-second
//! outage under heavier load) through `NEWSWIRE_FAULT_OUTAGE_SECS` and
//! `NEWSWIRE_FAULT_CLIENTS`.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};

use crate::{
    clusters::Cluster,
    helpers::{article_id, ArticleSpec, TestApp},
    servers::Server,
    subscriptions::WsClient,
};

/// The request timeout the server runs with here.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the load saw.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
    /// Likes the server answered with success.
    liked: AtomicU64,
    /// The slowest answer, in milliseconds.
    slowest_ms: AtomicU64,
    /// Answers without a JSON error code (or with a status other than 200 and 503).
    unclear: AtomicU64,
}

/// One client: reads a page and likes an article as a new reader, again and again.
async fn client(
    server: Arc<Server>,
    id: String,
    n: usize,
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
) {
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        round += 1;
        let liker = format!("load-{n}-{round}");
        let started = Instant::now();
        let (status, body) = if round % 2 == 0 {
            server
                .post(
                    "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
                    json!({ "id": id }),
                    &[("x-client-id", &liker)],
                )
                .await
        } else {
            server
                .post(
                    "{ articles(first: 5) { nodes { slug likeCount } } }",
                    json!({}),
                    &[],
                )
                .await
        };
        let took = started.elapsed().as_millis() as u64;
        tally.slowest_ms.fetch_max(took, Ordering::Relaxed);
        let coded = body["errors"][0]["extensions"]["code"].is_string();
        if status == 200 && body.get("errors").is_none() && !body["data"].is_null() {
            tally.ok.fetch_add(1, Ordering::Relaxed);
            if round % 2 == 0 {
                tally.liked.fetch_add(1, Ordering::Relaxed);
            }
        } else {
            if tally.failed.fetch_add(1, Ordering::Relaxed) == 0 {
                eprintln!("first failure, {status}: {body}");
            }
            if !coded {
                tally.unclear.fetch_add(1, Ordering::Relaxed);
                eprintln!("unclear answer {status}: {body}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn ready(server: &Server) -> u16 {
    server.request("GET", "/readyz", "", &[]).await.0
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn a_database_outage_under_load_is_survived() {
    let outage = Duration::from_secs(setting("NEWSWIRE_FAULT_OUTAGE_SECS", 3));
    let clients = setting("NEWSWIRE_FAULT_CLIENTS", 4) as usize;
    let cluster = Cluster::primary();
    let admin = Database::connect(cluster.url("postgres")).await.unwrap();
    admin
        .execute_unprepared("CREATE DATABASE newswire")
        .await
        .unwrap();
    admin.close().await.ok();
    let url = cluster.url("newswire");
    let app = TestApp::spawn_on(url.clone(), None, |_| {}).await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("steady", news.id, 1))
        .await;
    let id = article_id(&row);
    let log = std::env::temp_dir().join(format!("newswire-faults-{}.log", uuid::Uuid::new_v4()));
    let server = Arc::new(
        Server::start_logging(
            &[
                ("DATABASE_URL", url.clone()),
                (
                    "NEWSWIRE_REQUEST_TIMEOUT_SECS",
                    REQUEST_TIMEOUT.as_secs().to_string(),
                ),
                ("NEWSWIRE_RESPONSE_CACHE_TTL_MS", "0".to_owned()),
            ],
            &log,
        )
        .await,
    );
    assert_eq!(ready(&server).await, 200);
    let mut subscriber = WsClient::ready(server.address, json!({})).await;
    subscriber
        .subscribe(
            "1",
            "subscription($id: ID!) { likeCountChanged(articleId: $id) { likeCount } }",
            json!({ "id": id }),
        )
        .await;

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let load: Vec<_> = (0..clients)
        .map(|n| {
            tokio::spawn(client(
                server.clone(),
                id.clone(),
                n,
                stop.clone(),
                tally.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(tally.ok.load(Ordering::Relaxed) > 0, "the load runs");

    // The outage: requests fail, fast and with a code; readiness fails.
    cluster.stop();
    let down = Instant::now();
    let before = tally.failed.load(Ordering::Relaxed);
    let mut not_ready = false;
    while down.elapsed() < outage {
        not_ready |= ready(&server).await == 503;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(not_ready, "/readyz fails while the database is away");
    assert!(
        tally.failed.load(Ordering::Relaxed) > before,
        "requests failed meanwhile"
    );
    cluster.start();
    let back = Instant::now();

    // Within two seconds every request succeeds again, and readiness with them.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let failed_at_2s = tally.failed.load(Ordering::Relaxed);
    let ok_at_2s = tally.ok.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(ready(&server).await, 200, "ready again");
    assert_eq!(
        tally.failed.load(Ordering::Relaxed),
        failed_at_2s,
        "no failure from two seconds after the database is back"
    );
    assert!(
        tally.ok.load(Ordering::Relaxed) > ok_at_2s,
        "and requests succeed"
    );
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    assert!(back.elapsed() < Duration::from_secs(30));
    let slowest = Duration::from_millis(tally.slowest_ms.load(Ordering::Relaxed));
    assert!(
        slowest < REQUEST_TIMEOUT,
        "no request hung until the timeout: {slowest:?}"
    );
    assert_eq!(
        tally.unclear.load(Ordering::Relaxed),
        0,
        "every failure said why"
    );
    eprintln!(
        "{clients} clients, {outage:?} outage: {} answered, {} failed, {} likes, slowest {slowest:?}",
        tally.ok.load(Ordering::Relaxed),
        tally.failed.load(Ordering::Relaxed),
        tally.liked.load(Ordering::Relaxed),
    );

    // No like lost or counted twice: the count is the rows, and every like answered as
    // done is among them.
    let db = Database::connect(&url).await.unwrap();
    let counted = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT a.like_count::bigint, (SELECT count(*) FROM article_like l WHERE l.article_id = a.id) \
                 FROM article a WHERE a.id = {}",
                row.id
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let (count, rows): (i64, i64) = (
        counted.try_get_by_index(0).unwrap(),
        counted.try_get_by_index(1).unwrap(),
    );
    assert_eq!(count, rows, "the count is its rows");
    assert!(
        rows >= tally.liked.load(Ordering::Relaxed) as i64,
        "no answered like is lost"
    );

    // The subscriber is still connected and hears the next like, with the count as it is.
    let (status, body) = server
        .post(
            "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
            json!({ "id": id }),
            &[("x-client-id", "after")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let wanted = rows + 1;
    let mut last: Value = Value::Null;
    while last != json!(wanted) {
        last = subscriber.next_of("1").await["data"]["likeCountChanged"]["likeCount"].clone();
    }
    drop(server);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    std::fs::remove_file(&log).ok();
    assert!(
        !logged.contains("panicked"),
        "no panic in the log:\n{logged}"
    );
    drop(app);
}
