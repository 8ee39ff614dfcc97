//! Reads on a streaming replica (`DATABASE_READ_URL`): queries go there, while writes, and
//! the reads of a caller who has just written, go to the primary. A real replica: a primary
//! and a standby cluster of the test's own, made with Debian's PostgreSQL tools. Run with the
//! PostgreSQL tests; on SQLite it is reported as ignored.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};

use crate::{
    clusters::Cluster,
    helpers::{article_id, ArticleSpec, TestApp},
};

const LIST: &str = "{ articles(first: 10) { nodes { slug likeCount } } }";

/// Waits until `sql` on `db` gives `wanted` as its first column, at most ten seconds.
async fn until(db: &sea_orm::DatabaseConnection, sql: &str, wanted: i64) {
    for _ in 0..200 {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .ok()
            .flatten();
        if row.and_then(|r| r.try_get_by_index::<i64>(0).ok()) == Some(wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{sql} never gave {wanted}");
}

async fn list_as(app: &TestApp, client: &str, cookie: Option<&str>) -> Value {
    let mut headers = vec![("x-client-id", client)];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    let reply = app.post(LIST, json!({}), &headers).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    reply.body["data"]["articles"]["nodes"].clone()
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn queries_read_the_replica_and_a_writer_reads_its_own_write() {
    let primary = Cluster::primary();
    let replica = Cluster::replica_of(&primary);
    let admin = Database::connect(primary.url("postgres")).await.unwrap();
    admin
        .execute_unprepared("CREATE DATABASE newswire")
        .await
        .unwrap();
    let standby = loop {
        match Database::connect(replica.url("newswire")).await {
            Ok(db) => break db,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let app = TestApp::spawn_on(
        primary.url("newswire"),
        Some(replica.url("newswire")),
        |c| {
            c.response_cache_ttl_ms = 0;
            c.category_cache_ttl_secs = 0;
            c.ranking_ttl_secs = 0;
        },
    )
    .await;
    let news = app.category("news", None).await;
    let first = app
        .article(ArticleSpec::published("first", news.id, 2))
        .await;
    until(&standby, "SELECT count(*) FROM article", 1).await;

    // The standby stops replaying: what is written from now on is on the primary only.
    standby
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    app.article(ArticleSpec::published("second", news.id, 1))
        .await;
    assert_eq!(
        list_as(&app, "reader", None).await,
        json!([{ "slug": "first", "likeCount": 0 }]),
        "a query reads the replica"
    );

    // A like is written on the primary, and read back from there.
    let liked = app
        .post(
            "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
            json!({ "id": article_id(&first) }),
            &[("x-client-id", "writer")],
        )
        .await;
    assert_eq!(
        liked.body["data"]["likeArticle"]["likeCount"], 1,
        "{}",
        liked.text
    );
    let cookie = liked.headers[axum::http::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("newswire_primary=1;") && cookie.contains("Max-Age=10"),
        "{cookie}"
    );
    let on_primary = json!([
        { "slug": "second", "likeCount": 0 },
        { "slug": "first", "likeCount": 1 }
    ]);
    // The writer's next reads see its write: on this instance by who it is, on any by the
    // cookie.
    assert_eq!(list_as(&app, "writer", None).await, on_primary);
    assert_eq!(
        list_as(&app, "elsewhere", Some("newswire_primary=1")).await,
        on_primary
    );
    // Everyone else reads the replica, which has not replayed either write yet.
    assert_eq!(
        list_as(&app, "reader", None).await,
        json!([{ "slug": "first", "likeCount": 0 }])
    );

    standby
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    until(&standby, "SELECT count(*) FROM article", 2).await;
    assert_eq!(list_as(&app, "reader", None).await, on_primary);
    drop(app);
    standby.close().await.ok();
    admin.close().await.ok();
}
