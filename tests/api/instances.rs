//! Several instances on one PostgreSQL database, each a process of its own: a write on one
//! reaches the subscribers and the caches of the others, also after a listener lost its
//! connection. On SQLite these tests are reported as ignored.

use std::time::{Duration, Instant};

use entity::ApiRole;
use serde_json::{json, Value};

use crate::{
    helpers::{article_id, ArticleSpec, TestApp},
    servers::Server,
    subscriptions::WsClient,
};

const LIKES: &str = "subscription($id: ID!) { likeCountChanged(articleId: $id) { likeCount } }";

const COUNT: &str = "query($id: ID!) { node(id: $id) { ... on Article { likeCount } } }";

/// An instance serving the test app's database, with a response cache that keeps answers a
/// minute: long enough that only the signal between instances can make it forget them.
async fn instance(app: &TestApp) -> Server {
    Server::start(&[
        ("DATABASE_URL", app.database_url()),
        ("NEWSWIRE_RESPONSE_CACHE_TTL_MS", "60000".to_owned()),
        ("NEWSWIRE_CATEGORY_CACHE_TTL_SECS", "60".to_owned()),
    ])
    .await
}

async fn like(server: &Server, id: &str, liker: &str) -> i64 {
    let (status, body) = server
        .post(
            "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
            json!({ "id": id }),
            &[("x-client-id", liker)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["likeArticle"]["likeCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"))
}

async fn count_on(server: &Server, id: &str) -> Value {
    let (_, body) = server.post(COUNT, json!({ "id": id }), &[]).await;
    body["data"]["node"]["likeCount"].clone()
}

/// The value `read` gives once it equals `wanted`, or the last one after a second.
async fn within_a_second<F, Fut>(wanted: Value, read: F) -> Value
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let value = read().await;
        if value == wanted || Instant::now() >= deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn a_like_on_one_instance_reaches_a_subscriber_on_another_within_a_second() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("shared", news.id, 1))
        .await;
    let id = article_id(&row);
    let (a, b) = (instance(&app).await, instance(&app).await);
    let mut subscriber = WsClient::ready(a.address, json!({})).await;
    subscriber.subscribed("1", LIKES, json!({ "id": id })).await;

    for (n, liker) in ["one", "two", "three"].into_iter().enumerate() {
        let sent = Instant::now();
        assert_eq!(like(&b, &id, liker).await, n as i64 + 1);
        let event = subscriber.next_of("1").await;
        let took = sent.elapsed();
        assert_eq!(
            event["data"]["likeCountChanged"]["likeCount"],
            n as i64 + 1,
            "{event}"
        );
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn a_write_on_one_instance_empties_the_caches_of_another() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("cached", news.id, 1))
        .await;
    let draft = app.article(ArticleSpec::draft("draft", news.id)).await;
    let editor = app.api_key(ApiRole::Editor).await;
    let id = article_id(&row);
    let (a, b) = (instance(&app).await, instance(&app).await);

    // A keeps its answer (a minute); a like on B moves the count.
    assert_eq!(count_on(&a, &id).await, 0);
    assert_eq!(count_on(&a, &id).await, 0);
    like(&b, &id, "reader").await;
    assert_eq!(within_a_second(json!(1), || count_on(&a, &id)).await, 1);

    // An editor publishes on B: the list A kept shows it.
    let list = "{ articles(first: 10) { nodes { slug } } }";
    let slugs = || async {
        let (_, body) = a.post(list, json!({}), &[]).await;
        body["data"]["articles"]["nodes"].clone()
    };
    assert_eq!(slugs().await, json!([{ "slug": "cached" }]));
    let bearer = format!("Bearer {editor}");
    let (status, published) = b
        .post(
            "mutation($id: ID!) { publishArticle(id: $id) { article { slug } } }",
            json!({ "id": article_id(&draft) }),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(status, 200, "{published}");
    assert!(published.get("errors").is_none(), "{published}");
    assert_eq!(
        within_a_second(json!([{ "slug": "draft" }, { "slug": "cached" }]), slugs).await,
        json!([{ "slug": "draft" }, { "slug": "cached" }])
    );
}

#[tokio::test]
#[cfg_attr(not(test_postgres), ignore = "PostgreSQL only: set TEST_DATABASE_URL")]
async fn a_listener_that_lost_its_connection_misses_no_like() {
    use sea_orm::ConnectionTrait;

    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("kept", news.id, 1))
        .await;
    let id = article_id(&row);
    let (a, b) = (instance(&app).await, instance(&app).await);
    let mut subscriber = WsClient::ready(a.address, json!({})).await;
    subscriber.subscribed("1", LIKES, json!({ "id": id })).await;
    like(&b, &id, "before").await;
    assert_eq!(
        subscriber.next_of("1").await["data"]["likeCountChanged"]["likeCount"],
        1
    );

    // The database ends the listeners' connections; likes go on meanwhile, on B.
    let mut expected = 1;
    for round in 0..3 {
        app.db
            .execute_unprepared(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = '{}'",
                newswire::live::postgres::LISTENER
            ))
            .await
            .unwrap();
        expected = like(&b, &id, &format!("during-{round}")).await;
        // Whether A heard it or made up for it after reconnecting, the count arrives.
        let mut last = 0;
        while last != expected {
            let event = subscriber.next_of("1").await;
            last = event["data"]["likeCountChanged"]["likeCount"]
                .as_i64()
                .unwrap();
            assert!(last <= expected, "counts never run ahead: {event}");
        }
    }
    assert_eq!(expected, 4);
    let (_, _, metrics) = a.request("GET", "/metrics", "", &[]).await;
    let reconnects: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("newswire_listener_reconnects_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(reconnects >= 1.0, "{metrics}");
}
