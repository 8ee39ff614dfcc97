//! Outside clients against a served router: headless Chromium on the GraphiQL playground, the
//! graphql-http audit of GraphQL over HTTP and the graphql-ws client on subscriptions, all
//! from `tests/clients` (Node.js packages that `.ci/run` installs, with Debian's `chromium`).
//!
//! Where Node.js, the packages or Chromium are missing these tests say so and pass, except
//! under CI (`CI` set), where a missing client is a failure: CI installs them all.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::helpers::TestApp;

/// The folder of the client scripts.
fn clients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// What a client needs that is not there, if anything.
fn missing(needs_browser: bool) -> Option<String> {
    if !clients().join("node_modules/playwright-core").exists() {
        return Some("tests/clients/node_modules (run `npm ci --prefix tests/clients`)".into());
    }
    if needs_browser && !Path::new(&chromium()).exists() {
        return Some(format!("{} (apt-get install chromium)", chromium()));
    }
    None
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Runs `script` with `args`; `None` (after saying why) when its tools are not installed.
async fn run(script: &str, args: &[String], needs_browser: bool) -> Option<Value> {
    if let Some(what) = missing(needs_browser) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install {what} for {script}"
        );
        eprintln!("skipped {script}: {what} is missing");
        return None;
    }
    let output = tokio::process::Command::new("node")
        .arg(clients().join(script))
        .args(args)
        .env("CHROMIUM", chromium())
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = stdout
        .lines()
        .last()
        .and_then(|line| serde_json::from_str(line).ok())
        .unwrap_or(Value::Null);
    assert!(
        output.status.success(),
        "{script} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_a_typed_query_offline_under_its_content_security_policy() {
    let app = TestApp::spawn().await;
    newswire::seed::demo::seed(&app.db, "http://localhost:8000")
        .await
        .unwrap();
    let address = app.listen().await;
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    let args = [
        format!("http://{address}/graphql"),
        screenshot.display().to_string(),
    ];
    let Some(report) = run("graphiql.mjs", &args, true).await else {
        return;
    };
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    let origin = format!("http://{address}/");
    let requests = report["requests"].as_array().unwrap();
    assert!(requests.len() >= 7, "{report}");
    assert!(
        requests
            .iter()
            .all(|url| url.as_str().unwrap().starts_with(&origin)),
        "{report}"
    );
    let titles = report["titles"].as_array().unwrap();
    assert_eq!(titles.len(), 3, "{report}");
    assert!(screenshot.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_finds_no_failed_must_or_should() {
    // With the shipped rate limits: an audit (or a client's test suite) from this machine
    // must not be throttled.
    let defaults = newswire::Config::with_database("sqlite::memory:");
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_second = defaults.rate_limit_per_second;
        c.rate_limit_burst = defaults.rate_limit_burst;
    })
    .await;
    let address = app.listen().await;
    let Some(report) = run("audit.mjs", &[format!("http://{address}/graphql")], false).await else {
        return;
    };
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    assert!(report["audits"].as_u64().unwrap() >= 50, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_ws_client_hears_like_counts_and_coded_errors() {
    use crate::helpers::{article_id, ArticleSpec};
    use tokio::io::{AsyncBufReadExt, BufReader};

    if let Some(what) = missing(false) {
        assert!(std::env::var_os("CI").is_none(), "CI must install {what}");
        eprintln!("skipped live.mjs: {what} is missing");
        return;
    }
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("live", news.id, 1))
        .await;
    let id = article_id(&row);
    let address = app.listen().await;
    let mut node = tokio::process::Command::new("node")
        .arg(clients().join("live.mjs"))
        .args([format!("ws://{address}/graphql/ws"), id.clone(), "2".into()])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    assert_eq!(
        lines.next_line().await.unwrap().as_deref(),
        Some("connected")
    );
    // The client subscribes once connected; likes wait until the server holds it.
    let subscribed = "newswire_subscriptions 1";
    for _ in 0..200 {
        if app.metrics.render().lines().any(|l| l == subscribed) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(app.metrics.render().lines().any(|l| l == subscribed));
    for liker in ["one", "two"] {
        let reply = app
            .post(
                "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
                serde_json::json!({ "id": id }),
                &[("x-client-id", liker)],
            )
            .await;
        assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    }
    let report: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(report["counts"], serde_json::json!([1, 2]), "{report}");
    assert_eq!(
        report["refused"][0]["extensions"]["code"], "NOT_FOUND",
        "{report}"
    );
    assert!(node.wait().await.unwrap().success());
}
