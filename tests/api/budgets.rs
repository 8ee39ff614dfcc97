//! Cost budgets: every query is charged its cost before it runs, per API key or per client
//! address; over budget it is refused with `RATE_LIMITED`, `Retry-After` and the
//! `RateLimit-*` headers. With Redis, every instance charges the same buckets.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use serde_json::{json, Value};

use crate::{
    helpers::{first_code, ArticleSpec, Reply, TestApp},
    servers::Server,
};

const PAGE: &str = "{ articles(first: 20) { nodes { slug } } }";
const BUDGET: &str = "{ rateLimit { limit cost remaining resetAt restoreRate metered } }";

fn header_number(reply: &Reply, name: &str) -> u64 {
    reply.headers[name].to_str().unwrap().parse().unwrap()
}

async fn budgeted(budgets: &str) -> TestApp {
    let budgets = budgets.parse().unwrap();
    let app = TestApp::spawn_with(|c| {
        c.budgets = budgets;
        c.rate_limit_per_second = 0;
        c.response_cache_ttl_ms = 0;
    })
    .await;
    let cat = app.category("news", None).await;
    for i in 0..3 {
        app.article(ArticleSpec::published(&format!("s{i}"), cat.id, i + 1))
            .await;
    }
    app
}

#[tokio::test]
async fn a_query_over_its_budget_is_refused_before_it_runs() {
    let app = budgeted("anonymous=100/1").await;
    let client = "203.0.113.20:5000";
    let first = app.post_from(client, PAGE, &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let cost = &first.body["extensions"]["cost"];
    let requested = cost["requested"].as_u64().unwrap();
    assert!(requested > 20, "a page of 20 costs its objects: {cost}");
    assert_eq!(
        cost["actual"],
        1 + 1 + 3,
        "the answer, its connection and three articles"
    );
    assert_eq!(cost["remaining"].as_u64().unwrap(), 100 - requested);
    assert_eq!(header_number(&first, "ratelimit-limit"), 100);
    assert_eq!(
        header_number(&first, "ratelimit-remaining"),
        100 - requested
    );

    // Spend the rest, then one more.
    let mut refused = None;
    for _ in 0..10 {
        app.take_statements();
        let reply = app.post_from(client, PAGE, &[]).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(app.take_statements(), 0, "refused before it ran");
            refused = Some(reply);
            break;
        }
    }
    let refused = refused.expect("the budget runs out");
    assert_eq!(first_code(&refused.body), "RATE_LIMITED");
    assert!(refused.body.get("data").is_none(), "{}", refused.text);
    let wait = header_number(&refused, "retry-after");
    let remaining = header_number(&refused, "ratelimit-remaining");
    assert!(remaining < requested);
    assert_eq!(wait, requested - remaining, "one point a second");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["retryAfter"], wait,
        "{}",
        refused.text
    );

    // Another address has a budget of its own; a cheap query still fits.
    let other = app.post_from("203.0.113.21:5000", PAGE, &[]).await;
    assert_eq!(other.status, StatusCode::OK);
    let cheap = app.post_from(client, "{ __typename }", &[]).await;
    assert_eq!(cheap.status, StatusCode::OK, "{}", cheap.text);
}

#[tokio::test]
async fn rate_limit_reports_the_budget_after_paying_for_its_query() {
    let app = budgeted("anonymous=1000/50").await;
    let reply = app.post_from("203.0.113.30:5000", BUDGET, &[]).await;
    let budget = &reply.body["data"]["rateLimit"];
    assert_eq!(budget["limit"], 1000);
    assert_eq!(budget["restoreRate"], 50);
    assert_eq!(budget["metered"], true);
    let cost = budget["cost"].as_u64().unwrap();
    assert_eq!(
        cost,
        reply.body["extensions"]["cost"]["requested"]
            .as_u64()
            .unwrap()
    );
    assert_eq!(budget["remaining"].as_u64().unwrap(), 1000 - cost);
    assert!(
        budget["resetAt"].as_str().unwrap().ends_with("+09:00"),
        "{budget}"
    );
}

#[tokio::test]
async fn each_key_pays_from_its_roles_budget_wherever_it_calls_from() {
    let app = budgeted("partner=60/1,anonymous=1000/1").await;
    let bearer = |secret: String| format!("Bearer {secret}");
    let partner = bearer(app.api_key(entity::ApiRole::Partner).await);
    let editor = bearer(app.api_key(entity::ApiRole::Editor).await);
    let mut refused = false;
    for i in 0..6 {
        // The same key from two addresses is one payer.
        let address = format!("203.0.113.{}:5000", 40 + i % 2);
        let reply = app
            .post_from(&address, PAGE, &[("authorization", &partner)])
            .await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            refused = true;
            break;
        }
        assert_eq!(header_number(&reply, "ratelimit-limit"), 60);
    }
    assert!(refused, "the partner's 60 points run out");
    let editor_reply = app
        .post_from("203.0.113.40:5000", PAGE, &[("authorization", &editor)])
        .await;
    assert_eq!(editor_reply.status, StatusCode::OK);
    assert_eq!(header_number(&editor_reply, "ratelimit-limit"), 100_000);
    let anonymous = app.post_from("203.0.113.40:5000", PAGE, &[]).await;
    assert_eq!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn loopback_callers_and_public_get_answers_carry_no_budget() {
    let app = budgeted("anonymous=100/1").await;
    // Loopback: not charged, however often.
    for _ in 0..10 {
        let reply = app.post(PAGE, json!({}), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.headers.get("ratelimit-remaining").is_none());
        let cost = reply.body["extensions"]["cost"].as_object().unwrap();
        assert!(cost.contains_key("requested") && !cost.contains_key("remaining"));
    }
    assert_eq!(
        app.data(BUDGET, json!({})).await["rateLimit"]["metered"],
        false
    );

    // A public answer over GET, which a CDN gives to everyone, says nothing of its caller.
    let mut request = Request::builder()
        .uri("/graphql?query=%7Barticles(first%3A20)%7Bnodes%7Bslug%7D%7D%7D")
        .body(Body::empty())
        .unwrap();
    let peer: SocketAddr = "203.0.113.50:5000".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers.get("ratelimit-remaining").is_none());
    let cost = reply.body["extensions"]["cost"].as_object().unwrap();
    assert!(!cost.contains_key("remaining"), "{cost:?}");
}

/// The anonymous budget of the instances that share Redis: points, one back a second.
const SHARED_POINTS: u64 = 90;

/// One newswire process on a database of its own, sharing budgets through `redis`.
struct Instance {
    server: Server,
    _database: tempfile_path::Removed,
}

mod tempfile_path {
    /// A file removed when dropped.
    pub struct Removed(pub std::path::PathBuf);

    impl Drop for Removed {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut file = self.0.clone().into_os_string();
                file.push(suffix);
                std::fs::remove_file(file).ok();
            }
        }
    }
}

async fn instance(redis: &str, prefix: &str) -> Instance {
    let file = std::env::temp_dir().join(format!("newswire-budget-{}.db", uuid::Uuid::new_v4()));
    let server = Server::start(&[
        (
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", file.display()),
        ),
        ("REDIS_URL", redis.to_owned()),
        ("NEWSWIRE_REDIS_PREFIX", prefix.to_owned()),
        ("NEWSWIRE_BUDGETS", format!("anonymous={SHARED_POINTS}/1")),
        ("NEWSWIRE_RATE_LIMIT_LOOPBACK", "true".to_owned()),
        ("NEWSWIRE_RATE_LIMIT_PER_SECOND", "0".to_owned()),
    ])
    .await;
    Instance {
        server,
        _database: tempfile_path::Removed(file),
    }
}

/// POSTs `query` to `instance` over a real connection; the status and the JSON body.
async fn post_to(instance: &Instance, query: &str) -> (u16, Value) {
    instance.server.post(query, json!({}), &[]).await
}

#[tokio::test]
async fn two_instances_sharing_redis_charge_one_budget() {
    let redis = "redis://127.0.0.1:6379";
    if tokio::net::TcpStream::connect("127.0.0.1:6379")
        .await
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "CI has Redis on 6379");
        eprintln!("Redis is not running on 6379: skipped");
        return;
    }
    let prefix = format!("newswire-test-{}", uuid::Uuid::new_v4().simple());
    let (a, b) = (
        instance(redis, &prefix).await,
        instance(redis, &prefix).await,
    );
    let query = "{ locales { code name englishName } articles(first: 10) { nodes { slug } } }";
    let (status, first) = post_to(&a, query).await;
    assert_eq!(status, 200, "{first}");
    let requested = first["extensions"]["cost"]["requested"].as_u64().unwrap();
    assert!(
        requested * 3 <= SHARED_POINTS && requested * 4 > SHARED_POINTS,
        "{requested}"
    );
    // A spends two queries' worth; B sees what A left, and refuses once it is gone.
    post_to(&a, query).await;
    let (_, on_b) = post_to(&b, query).await;
    let left = on_b["extensions"]["cost"]["remaining"].as_u64().unwrap();
    assert!(
        left < SHARED_POINTS - 3 * requested + 3,
        "B charged the bucket A spent from: {on_b}"
    );
    let (status, refused) = post_to(&b, query).await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    let (status, _) = post_to(&a, query).await;
    assert_eq!(status, 429, "and A refuses too");
}
