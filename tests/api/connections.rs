//! Page reads on PostgreSQL run on connections of their own, returned to their pool without a
//! round trip: a connection the database ended, or one a request abandoned mid-statement,
//! must never cost a later reader its page. On SQLite, whose reads go through SeaORM's pool,
//! these tests are reported as ignored.

use axum::http::StatusCode;
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
use serde_json::{json, Value};

use crate::helpers::{first_code, ArticleSpec, TestApp};

/// A page whose fields all come from the page statement itself.
const PAGE: &str = "{ articles(first: 10) { nodes { slug likeCount } pageInfo { hasNextPage } } }";

/// An app with a pool of two on a few articles, and the page they make. The response cache
/// is off, so that every request reads.
async fn app_with_a_page(adjust: impl FnOnce(&mut newswire::Config)) -> (TestApp, Value) {
    let app = TestApp::spawn_with(|c| {
        c.db_pool_size = 2;
        c.response_cache_ttl_ms = 0;
        adjust(c);
    })
    .await;
    assert_eq!(app.db.get_database_backend(), DbBackend::Postgres);
    let desk = app.category("desk", None).await;
    for (i, slug) in ["first", "second", "third"].into_iter().enumerate() {
        app.article(ArticleSpec::published(slug, desk.id, i as i64 + 1))
            .await;
    }
    let page = app.data(PAGE, json!({})).await;
    assert_eq!(
        page["articles"]["nodes"][0],
        json!({ "slug": "first", "likeCount": 0 })
    );
    (app, page)
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn without_the_response_cache_a_page_read_after_the_database_ended_every_session_still_answers(
) {
    let (app, page) = app_with_a_page(|_| {}).await;
    // Both read connections open, then the database ends every session but the one asking.
    join_all((0..4).map(|_| app.data(PAGE, json!({})))).await;
    app.db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();

    app.take_statements();
    assert_eq!(app.data(PAGE, json!({})).await, page);
    let sent = app.take_statements();
    assert!(
        sent >= 2,
        "the read met an ended session and ran again: {sent} statements sent"
    );
    assert_eq!(app.data(PAGE, json!({})).await, page);
    assert_eq!(
        app.take_statements(),
        1,
        "the pool holds live connections again"
    );
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn without_the_response_cache_reads_abandoned_mid_statement_leave_the_pool_whole() {
    let (app, page) = app_with_a_page(|c| c.request_timeout_secs = 1).await;
    // With the articles locked, three page reads (one more than the pool holds) wait: the two
    // on connections until their requests time out and are dropped with their statements
    // unfinished, the third for a connection, which it is refused after half the timeout.
    let lock = app.db.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE article IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let abandoned = join_all((0..3).map(|_| app.post(PAGE, json!({}), &[]))).await;
    let mut timed_out = 0;
    for reply in &abandoned {
        match reply.status {
            StatusCode::REQUEST_TIMEOUT => {
                assert_eq!(first_code(&reply.body), "REQUEST_TIMEOUT", "{}", reply.text);
                timed_out += 1;
            }
            status => {
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.text);
                assert_eq!(
                    first_code(&reply.body),
                    "SERVICE_UNAVAILABLE",
                    "{}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(
        timed_out, 2,
        "the reads on the pool's two connections time out"
    );
    lock.rollback().await.unwrap();

    for reply in join_all((0..4).map(|_| app.graphql(PAGE, json!({})))).await {
        assert_eq!(reply["data"], page);
        assert!(reply.get("errors").is_none(), "{reply}");
    }
}
