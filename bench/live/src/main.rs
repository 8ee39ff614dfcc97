//! Holds `--subscriptions` likeCountChanged subscriptions open over graphql-transport-ws,
//! `--per-connection` to a connection, spread over the articles of `--articles` and over the
//! instances of `--ws`; then likes those articles over HTTP on `--http`, `--likes` times at
//! `--rate` a second, and reports, as one JSON line, the time from each like being sent to
//! its event arriving at every subscriber of its article (every delivery counts), the
//! deliveries that never came, and the resident memory of the processes of `--pid`.
//!
//!   newswire-bench-live --ws ws://127.0.0.1:8100/graphql/ws --http 127.0.0.1:8100 \
//!     --articles <id>,<id> --subscriptions 10000 --per-connection 4 --likes 200 --rate 20 \
//!     --pid 1234

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

const SUBSCRIPTION: &str =
    "subscription($id: ID!) { likeCountChanged(articleId: $id) { articleId likeCount } }";

/// The command line, as `--name value` pairs.
struct Options {
    ws: Vec<String>,
    http: String,
    articles: Vec<String>,
    subscriptions: usize,
    per_connection: usize,
    likes: usize,
    rate: f64,
    pids: Vec<u32>,
    label: String,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut named: HashMap<String, Vec<String>> = HashMap::new();
    for pair in args.chunks(2) {
        let name = pair[0].trim_start_matches("--").to_owned();
        let value = pair.get(1).cloned().unwrap_or_default();
        named.entry(name).or_default().push(value);
    }
    let one = |name: &str, default: &str| {
        named
            .get(name)
            .and_then(|v| v.last().cloned())
            .unwrap_or_else(|| default.to_owned())
    };
    let number = |name: &str, default: &str| -> usize {
        one(name, default)
            .parse()
            .unwrap_or_else(|_| panic!("--{name} takes a number"))
    };
    Options {
        ws: named
            .get("ws")
            .cloned()
            .expect("--ws URL (once per instance)"),
        http: one("http", "127.0.0.1:8100"),
        articles: one("articles", "")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        subscriptions: number("subscriptions", "10000"),
        per_connection: number("per-connection", "4"),
        likes: number("likes", "200"),
        rate: one("rate", "20").parse().expect("--rate takes a number"),
        pids: one("pid", "")
            .split(',')
            .filter_map(|p| p.parse().ok())
            .collect(),
        label: one("label", "live"),
    }
}

/// When each like was sent, by article and the count it makes; and the delays measured.
#[derive(Default)]
struct Clock {
    sent: HashMap<(String, i64), Instant>,
    delays: Vec<Duration>,
    /// Events whose like was not sent by this client (counts from before it started).
    strays: usize,
}

/// One connection holding `ids.len()` subscriptions; every event is timed against `clock`.
async fn connection(
    url: String,
    ids: Vec<String>,
    clock: Arc<Mutex<Clock>>,
    ready: tokio::sync::mpsc::Sender<()>,
) {
    let mut request = url.into_client_request().expect("a ws:// URL");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the WebSocket handshake");
    let send = |v: Value| Message::Text(v.to_string().into());
    socket
        .send(send(json!({ "type": "connection_init" })))
        .await
        .expect("send connection_init");
    for (n, id) in ids.iter().enumerate() {
        socket
            .send(send(json!({
                "type": "subscribe",
                "id": n.to_string(),
                "payload": { "query": SUBSCRIPTION, "variables": { "id": id } },
            })))
            .await
            .expect("send subscribe");
    }
    let mut acknowledged = false;
    while let Some(message) = socket.next().await {
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(frame)) => panic!("the server closed a connection: {frame:?}"),
            Ok(_) => continue,
            Err(e) => panic!("a connection failed: {e}"),
        };
        let arrived = Instant::now();
        let message: Value = serde_json::from_str(&text).expect("JSON from the server");
        match message["type"].as_str() {
            Some("connection_ack") if !acknowledged => {
                acknowledged = true;
                ready.send(()).await.ok();
            }
            Some("next") => {
                let change = &message["payload"]["data"]["likeCountChanged"];
                let key = (
                    change["articleId"].as_str().unwrap_or_default().to_owned(),
                    change["likeCount"].as_i64().unwrap_or_default(),
                );
                let mut clock = clock.lock().unwrap();
                match clock.sent.get(&key).copied() {
                    Some(sent) => clock.delays.push(arrived - sent),
                    None => clock.strays += 1,
                }
            }
            Some("ping") => {
                socket.send(send(json!({ "type": "pong" }))).await.ok();
            }
            Some("error") => panic!("a subscription was refused: {message}"),
            _ => {}
        }
    }
}

/// Sends one GraphQL request over a kept-alive HTTP/1.1 connection; the JSON body.
async fn post(stream: &mut TcpStream, host: &str, body: &str, client: &str) -> Value {
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\nx-client-id: {client}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send a request");
    let mut raw = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let n = stream.read(&mut buffer).await.expect("read a response");
        assert!(n > 0, "the server closed the connection");
        raw.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .expect("a content-length");
            if rest.len() >= length {
                return serde_json::from_str(&rest[..length]).expect("a JSON body");
            }
        }
    }
}

/// The resident memory of process `pid`, in MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")?
                    .trim()
                    .trim_end_matches(" kB")
                    .parse::<f64>()
                    .ok()
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let options = options();
    assert!(!options.articles.is_empty(), "--articles id,id,…");
    let clock = Arc::new(Mutex::new(Clock::default()));
    let connections = options.subscriptions.div_ceil(options.per_connection);
    let (ready, mut acknowledged) = tokio::sync::mpsc::channel(connections.max(1));
    let opened = Instant::now();
    let mut next_article = 0;
    for c in 0..connections {
        let count = options
            .per_connection
            .min(options.subscriptions - c * options.per_connection);
        let ids: Vec<String> = (0..count)
            .map(|_| {
                next_article += 1;
                options.articles[next_article % options.articles.len()].clone()
            })
            .collect();
        let url = options.ws[c % options.ws.len()].clone();
        tokio::spawn(connection(url, ids, clock.clone(), ready.clone()));
        if c % 50 == 49 {
            // Handshakes in bursts of fifty, as readers arrive.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    for _ in 0..connections {
        acknowledged.recv().await;
    }
    // Subscriptions are registered once the server has run them; give it a moment, then
    // read the memory of every instance at rest with all of them open.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle: Vec<f64> = options.pids.iter().map(|p| rss_mib(*p)).collect();
    let open_secs = opened.elapsed().as_secs_f64();

    // Subscribers per article, to know how many deliveries each like owes.
    let mut subscribers: HashMap<&str, usize> = HashMap::new();
    for n in 1..=options.subscriptions {
        *subscribers
            .entry(options.articles[n % options.articles.len()].as_str())
            .or_default() += 1;
    }
    let host = options.http.clone();
    let mut stream = TcpStream::connect(&host).await.expect("connect for likes");
    stream.set_nodelay(true).ok();
    let mut counts: HashMap<String, i64> = HashMap::new();
    for id in &options.articles {
        let body = json!({
            "query": "query($id: ID!) { node(id: $id) { ... on Article { likeCount } } }",
            "variables": { "id": id },
        })
        .to_string();
        let answer = post(&mut stream, &host, &body, "bench-reader").await;
        let count = answer["data"]["node"]["likeCount"]
            .as_i64()
            .expect("a like count");
        counts.insert(id.clone(), count);
    }
    let every = Duration::from_secs_f64(1.0 / options.rate.max(0.001));
    let mut expected = 0usize;
    let started = Instant::now();
    let run = format!("{}", std::process::id());
    for n in 0..options.likes {
        tokio::time::sleep_until((started + every * n as u32).into()).await;
        let id = &options.articles[n % options.articles.len()];
        let count = counts.get_mut(id).expect("a known article");
        *count += 1;
        clock
            .lock()
            .unwrap()
            .sent
            .insert((id.clone(), *count), Instant::now());
        let body = json!({
            "query": "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
            "variables": { "id": id },
        })
        .to_string();
        let answer = post(&mut stream, &host, &body, &format!("bench-{run}-{n}")).await;
        let got = answer["data"]["likeArticle"]["likeCount"].as_i64();
        assert_eq!(got, Some(*count), "a like counts once: {answer}");
        expected += subscribers[id.as_str()];
    }
    // Deliveries still on their way.
    let deadline = Instant::now() + Duration::from_secs(10);
    while clock.lock().unwrap().delays.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_busy: Vec<f64> = options.pids.iter().map(|p| rss_mib(*p)).collect();
    let mut clock = clock.lock().unwrap();
    let strays = clock.strays;
    let delays = &mut clock.delays;
    delays.sort_unstable();
    let line = json!({
        "label": options.label,
        "subscriptions": options.subscriptions,
        "connections": connections,
        "instances": options.ws.len(),
        "likes_elsewhere": !options.ws.iter().any(|ws| ws.contains(options.http.as_str())),
        "likes": options.likes,
        "rate_per_second": options.rate,
        "deliveries_expected": expected,
        "deliveries": delays.len(),
        "strays": strays,
        "open_seconds": (open_secs * 10.0).round() / 10.0,
        "p50_ms": percentile(delays, 50.0),
        "p90_ms": percentile(delays, 90.0),
        "p99_ms": percentile(delays, 99.0),
        "max_ms": percentile(delays, 100.0),
        "rss_idle_mib": rss_idle,
        "rss_busy_mib": rss_busy,
    });
    println!("{line}");
}
