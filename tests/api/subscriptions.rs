//! Subscriptions over `GET /graphql/ws` in the graphql-transport-ws protocol: what arrives,
//! what never does, and the close code of every refusal.

use std::time::Duration;

use chrono::Utc;
use entity::{ApiRole, Locale};
use futures_util::{SinkExt, StreamExt};
use newswire::domain::editorial;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

use crate::helpers::{article_id, ArticleSpec, TestApp};

/// How long a test waits for something that must arrive.
const ARRIVES: Duration = Duration::from_secs(10);

/// How long a test waits to be sure something does not arrive.
const QUIET: Duration = Duration::from_millis(700);

/// A graphql-transport-ws client, as the `graphql-ws` library speaks it.
pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server sent that was not a protocol message.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    Json(Value),
    Closed(u16, String),
}

impl WsClient {
    /// Connects to `address` offering `protocol` (none when `None`), with extra headers.
    pub async fn connect_with(
        address: std::net::SocketAddr,
        protocol: Option<&str>,
        headers: &[(&str, &str)],
    ) -> WsClient {
        let mut request = format!("ws://{address}/graphql/ws")
            .into_client_request()
            .unwrap();
        if let Some(protocol) = protocol {
            request.headers_mut().insert(
                "sec-websocket-protocol",
                HeaderValue::from_str(protocol).unwrap(),
            );
        }
        for (name, value) in headers {
            request.headers_mut().insert(
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the WebSocket handshake");
        WsClient { socket }
    }

    /// Connects with the protocol.
    pub async fn connect(address: std::net::SocketAddr) -> WsClient {
        Self::connect_with(address, Some("graphql-transport-ws"), &[]).await
    }

    /// Connects and initialises with `payload`; the server must acknowledge.
    pub async fn ready(address: std::net::SocketAddr, payload: Value) -> WsClient {
        let mut client = Self::connect(address).await;
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(client.next().await["type"], "connection_ack");
        client
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.into()))
            .await
            .expect("send a message");
    }

    /// Starts subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "type": "subscribe",
            "id": id,
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// Starts subscription `id` and waits a ping's round trip, after which the server has
    /// read it.
    pub async fn subscribed(&mut self, id: &str, query: &str, variables: Value) {
        self.subscribe(id, query, variables).await;
        self.send(json!({ "type": "ping" })).await;
        let pong = self.next().await;
        assert_eq!(pong["type"], "pong", "{pong}");
    }

    /// The next protocol message or the close, within `wait`; `None` if nothing came.
    pub async fn receive(&mut self, wait: Duration) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Some(Received::Json(serde_json::from_str(&text).unwrap()))
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Some(Received::Closed(code, reason));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("the socket failed: {e}"),
                None => return Some(Received::Closed(1006, String::new())),
            }
        }
    }

    /// The next protocol message, which must come.
    pub async fn next(&mut self) -> Value {
        match self.receive(ARRIVES).await {
            Some(Received::Json(value)) => value,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// The payload of the next `next` message of subscription `id`.
    pub async fn next_of(&mut self, id: &str) -> Value {
        let message = self.next().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], id, "{message}");
        message["payload"].clone()
    }

    /// The close code and reason, which must come.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            match self.receive(ARRIVES).await {
                Some(Received::Closed(code, reason)) => return (code, reason),
                Some(Received::Json(value)) if value["type"] == "ping" => {}
                other => panic!("expected the socket to close, got {other:?}"),
            }
        }
    }

    /// Nothing arrives for a while.
    pub async fn quiet(&mut self) {
        let got = self.receive(QUIET).await;
        assert_eq!(got, None, "nothing may arrive");
    }
}

const LIKES: &str =
    "subscription($id: ID!) { likeCountChanged(articleId: $id) { articleId likeCount changedAt } }";

const PUBLISHED: &str = "subscription($category: String, $tag: String) {
  articlePublished(category: $category, tag: $tag, locales: [EN]) { slug title category { slug } }
}";

async fn like(app: &TestApp, id: &str, liker: &str, liked: bool) -> Value {
    let field = if liked {
        "likeArticle"
    } else {
        "unlikeArticle"
    };
    let reply = app
        .post(
            &format!("mutation($id: ID!) {{ {field}(articleId: $id) {{ likeCount }} }}"),
            json!({ "id": id }),
            &[("x-client-id", liker)],
        )
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn like_counts_arrive_in_order_once_per_move() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("liked", news.id, 1))
        .await;
    let id = article_id(&row);
    let address = app.listen().await;
    let mut client = WsClient::ready(address, json!({})).await;
    client.subscribe("1", LIKES, json!({ "id": id })).await;
    // The subscription is running once a ping round trip has passed after it.
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.next().await["type"], "pong");

    like(&app, &id, "reader-a", true).await;
    like(&app, &id, "reader-a", true).await; // counts once: no event
    like(&app, &id, "reader-b", true).await;
    like(&app, &id, "reader-a", false).await;
    let counts: Vec<i64> = [
        client.next_of("1").await,
        client.next_of("1").await,
        client.next_of("1").await,
    ]
    .iter()
    .map(|p| {
        assert!(p.get("errors").is_none(), "{p}");
        assert_eq!(p["data"]["likeCountChanged"]["articleId"], id.as_str());
        p["data"]["likeCountChanged"]["likeCount"].as_i64().unwrap()
    })
    .collect();
    assert_eq!(counts, [1, 2, 1]);
    client.quiet().await;

    // `complete` stops the subscription; the server does not answer it.
    client.send(json!({ "type": "complete", "id": "1" })).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.next().await["type"], "pong");
    like(&app, &id, "reader-c", true).await;
    client.quiet().await;
    let metrics = app.metrics.render();
    assert!(
        metrics.contains("newswire_events_delivered_total 3"),
        "{metrics}"
    );
}

#[tokio::test]
async fn readers_who_subscribe_to_one_article_share_one_lookup() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("popular", news.id, 1))
        .await;
    let id = article_id(&row);
    let address = app.listen().await;
    let mut first = WsClient::ready(address, json!({})).await;
    let mut second = WsClient::ready(address, json!({})).await;
    app.take_statements();
    for n in 1..=5 {
        first
            .subscribe(&n.to_string(), LIKES, json!({ "id": id }))
            .await;
        second
            .subscribe(&n.to_string(), LIKES, json!({ "id": id }))
            .await;
    }
    for client in [&mut first, &mut second] {
        client.send(json!({ "type": "ping" })).await;
        assert_eq!(client.next().await["type"], "pong");
    }
    assert_eq!(app.take_statements(), 1, "ten subscribers, one lookup");

    // Every one of them is running: each receives the next count once.
    like(&app, &id, "reader-a", true).await;
    for client in [&mut first, &mut second] {
        let mut ids: Vec<String> = Vec::new();
        for _ in 1..=5 {
            let message = client.next().await;
            assert_eq!(message["type"], "next", "{message}");
            assert_eq!(
                message["payload"]["data"]["likeCountChanged"]["likeCount"],
                1
            );
            ids.push(message["id"].as_str().unwrap().to_owned());
        }
        ids.sort();
        assert_eq!(ids, ["1", "2", "3", "4", "5"]);
        client.quiet().await;
    }
}

#[tokio::test]
async fn publications_arrive_for_what_the_subscriber_may_see() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let world = app.category("world", Some(news.id)).await;
    let sports = app.category("sports", None).await;
    let in_world = app.article(ArticleSpec::draft("in-world", world.id)).await;
    let in_sports = app
        .article(ArticleSpec::draft("in-sports", sports.id))
        .await;
    let scheduled = app.article(ArticleSpec::draft("scheduled", world.id)).await;
    let partner = app.partner_key(&[Locale::En], &[("sports", true)]).await;
    let address = app.listen().await;

    let mut reader = WsClient::ready(address, json!({})).await;
    reader
        .subscribe("news", PUBLISHED, json!({ "category": "news" }))
        .await;
    let mut licensed = WsClient::ready(
        address,
        json!({ "Authorization": format!("Bearer {partner}") }),
    )
    .await;
    licensed.subscribe("all", PUBLISHED, json!({})).await;
    for client in [&mut reader, &mut licensed] {
        client.send(json!({ "type": "ping" })).await;
        let pong = client.next().await;
        assert_eq!(pong["type"], "pong", "{pong}");
    }

    let now = Utc::now();
    editorial::articles::publish(&app.db, app.changes(), now, in_sports.id, None)
        .await
        .unwrap();
    editorial::articles::publish(&app.db, app.changes(), now, in_world.id, None)
        .await
        .unwrap();
    let at = Utc::now() + chrono::Duration::seconds(2);
    editorial::articles::publish(&app.db, app.changes(), now, scheduled.id, Some(at))
        .await
        .unwrap();

    // The reader follows news (with its subcategory world): not sports.
    let first = reader.next_of("news").await;
    assert_eq!(
        first["data"]["articlePublished"],
        json!({ "slug": "in-world", "title": "in-world [en]", "category": { "slug": "world" } })
    );
    // The scheduled one arrives when its time comes, not before.
    assert!(reader.receive(Duration::from_millis(1200)).await.is_none());
    let second = reader.next_of("news").await;
    assert_eq!(second["data"]["articlePublished"]["slug"], "scheduled");
    assert!(Utc::now() >= at, "not before its time");
    reader.quiet().await;

    // The partner is licensed for sports only.
    let seen = licensed.next_of("all").await;
    assert_eq!(seen["data"]["articlePublished"]["slug"], "in-sports");
    licensed.quiet().await;
}

#[tokio::test]
async fn subscriptions_refuse_what_the_caller_may_not_ask() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let hidden = app.article(ArticleSpec::draft("hidden", news.id)).await;
    let address = app.listen().await;
    let mut client = WsClient::ready(address, json!({})).await;

    let code_of = |message: &Value| message["payload"][0]["extensions"]["code"].clone();
    client
        .subscribe("draft", LIKES, json!({ "id": article_id(&hidden) }))
        .await;
    let refused = client.next().await;
    assert_eq!(refused["type"], "next", "a resolver's error: {refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        client.next().await,
        json!({ "type": "complete", "id": "draft" })
    );
    client
        .subscribe("bad-id", LIKES, json!({ "id": "not-an-id" }))
        .await;
    let refused = client.next().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert_eq!(client.next().await["type"], "complete");
    client
        .subscribe("unknown", PUBLISHED, json!({ "category": "nope" }))
        .await;
    let refused = client.next().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert_eq!(client.next().await["type"], "complete");
    client
        .subscribe("invalid", "subscription { nothing }", json!({}))
        .await;
    let refused = client.next().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "invalid");
    assert_eq!(code_of(&refused), "GRAPHQL_VALIDATION_FAILED");
    client
        .subscribe("unparsable", "subscription {", json!({}))
        .await;
    let refused = client.next().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(code_of(&refused), "GRAPHQL_PARSE_FAILED");
    // Each refused operation completed: the connection is still good.
    client
        .send(json!({ "type": "ping", "payload": { "n": 1 } }))
        .await;
    assert_eq!(
        client.next().await,
        json!({ "type": "pong", "payload": { "n": 1 } })
    );
}

#[tokio::test]
async fn each_refusal_closes_with_the_code_the_protocol_names() {
    let app = TestApp::spawn_with(|c| {
        c.ws_init_timeout_secs = 1;
        c.ws_max_message_bytes = 4096;
        c.ws_max_subscriptions = 2;
    })
    .await;
    let news = app.category("news", None).await;
    let row = app.article(ArticleSpec::published("a", news.id, 1)).await;
    let id = article_id(&row);
    let address = app.listen().await;
    let init = json!({ "type": "connection_init" });

    // 4401: subscribe before connection_init.
    let mut client = WsClient::connect(address).await;
    client.subscribe("1", LIKES, json!({ "id": id })).await;
    assert_eq!(client.closed().await, (4401, "Unauthorized".into()));

    // 4400: not a message of the protocol, or not JSON.
    for text in [
        "not json",
        r#"{"type":"weather"}"#,
        r#"{"type":"subscribe"}"#,
    ] {
        let mut client = WsClient::connect(address).await;
        client.send_text(text).await;
        let (code, reason) = client.closed().await;
        assert_eq!(code, 4400, "{text}: {reason}");
        assert!(reason.starts_with("Invalid message received"), "{reason}");
    }

    // 4403: an API key that is not one.
    let mut client = WsClient::connect(address).await;
    client
        .send(
            json!({ "type": "connection_init", "payload": { "Authorization": "Bearer nw_wrong" } }),
        )
        .await;
    assert_eq!(client.closed().await, (4403, "Forbidden".into()));

    // 4408: no connection_init in time.
    let mut client = WsClient::connect(address).await;
    assert_eq!(
        client.closed().await,
        (4408, "Connection initialisation timeout".into())
    );

    // 4429: a second connection_init.
    let mut client = WsClient::connect(address).await;
    client.send(init.clone()).await;
    assert_eq!(client.next().await["type"], "connection_ack");
    client.send(init.clone()).await;
    assert_eq!(
        client.closed().await,
        (4429, "Too many initialisation requests".into())
    );

    // 4409: a subscription id that is still running.
    let mut client = WsClient::ready(address, json!({})).await;
    client.subscribe("1", LIKES, json!({ "id": id })).await;
    client.subscribe("1", LIKES, json!({ "id": id })).await;
    assert_eq!(
        client.closed().await,
        (4409, "Subscriber for 1 already exists".into())
    );

    // More subscriptions than a connection may hold: refused, the connection stays.
    let mut client = WsClient::ready(address, json!({})).await;
    for n in ["1", "2", "3"] {
        client.subscribe(n, LIKES, json!({ "id": id })).await;
    }
    let refused = client.next().await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["id"], "3");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    client.send(json!({ "type": "complete", "id": "1" })).await;
    client.subscribe("3", LIKES, json!({ "id": id })).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(
        client.next().await["type"],
        "pong",
        "room again after complete"
    );

    // 1009: a message over the size limit.
    let mut client = WsClient::ready(address, json!({})).await;
    client.send_text(&" ".repeat(5000)).await;
    let (code, _) = client.closed().await;
    assert_eq!(code, 1009);

    // 4406: a client that does not speak the protocol.
    let mut client = WsClient::connect_with(address, None, &[]).await;
    assert_eq!(
        client.closed().await,
        (4406, "Subprotocol not acceptable".into())
    );
}

#[tokio::test]
async fn connections_per_address_are_limited() {
    let app = TestApp::spawn_with(|c| c.ws_max_connections_per_address = 2).await;
    let address = app.listen().await;
    let first = WsClient::ready(address, json!({})).await;
    let _second = WsClient::ready(address, json!({})).await;
    let mut third = WsClient::connect(address).await;
    assert_eq!(
        third.closed().await,
        (4429, "Too many connections from this address".into())
    );
    assert!(app
        .metrics
        .render()
        .contains("newswire_websocket_connections 2"));
    drop(first);
    // The slot comes back once the server sees the first one gone.
    let mut fourth = None;
    for _ in 0..50 {
        let mut client = WsClient::connect(address).await;
        client.send(json!({ "type": "connection_init" })).await;
        match client.receive(ARRIVES).await {
            Some(Received::Json(ack)) if ack["type"] == "connection_ack" => {
                fourth = Some(client);
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert!(fourth.is_some(), "a freed slot is taken again");
}

#[tokio::test]
async fn an_api_key_in_connection_init_speaks_for_the_connection() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let draft = app.article(ArticleSpec::draft("draft", news.id)).await;
    let editor = app.api_key(ApiRole::Editor).await;
    let address = app.listen().await;
    // A query over the socket runs with the connection's principal: staff see drafts.
    let query = "query($id: ID!) { node(id: $id) { ... on Article { slug } } }";
    let mut staff = WsClient::ready(address, json!({ "apiKey": editor })).await;
    staff
        .subscribe("q", query, json!({ "id": article_id(&draft) }))
        .await;
    assert_eq!(staff.next_of("q").await["data"]["node"]["slug"], "draft");
    assert_eq!(staff.next().await, json!({ "type": "complete", "id": "q" }));
    let mut reader = WsClient::ready(address, json!({})).await;
    reader
        .subscribe("q", query, json!({ "id": article_id(&draft) }))
        .await;
    assert_eq!(reader.next_of("q").await["data"]["node"], Value::Null);
}

#[tokio::test]
async fn shutdown_closes_websockets_as_going_away_after_requests_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = TestApp::spawn().await;
    let mut server = crate::servers::Server::start(&[("DATABASE_URL", app.database_url())]).await;
    let mut client = WsClient::ready(server.address, json!({})).await;
    let (status, _, ready) = server.request("GET", "/readyz", "", &[]).await;
    assert_eq!((status, ready.as_str()), (200, "ready"));
    // A request in flight: its head is in, its body not yet.
    let body = json!({ "query": "{ locales { code } }" }).to_string();
    let mut in_flight = tokio::net::TcpStream::connect(server.address)
        .await
        .unwrap();
    in_flight
        .write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    // The socket stays open while the request is in flight.
    assert_eq!(client.receive(Duration::from_millis(500)).await, None);
    in_flight.write_all(body.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    in_flight.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"code\":\"ko\""), "{answer}");
    // Then the WebSocket is told the server is going away.
    assert_eq!(client.closed().await, (1001, "Server shutting down".into()));
    let status = tokio::time::timeout(ARRIVES, server.exited())
        .await
        .expect("the server exits");
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_client_that_does_not_read_is_let_go() {
    let app = TestApp::spawn_with(|c| {
        c.ws_send_timeout_secs = 1;
        c.ws_keepalive_secs = 60;
        c.max_complexity = 100_000;
    })
    .await;
    let news = app.category("news", None).await;
    let mut first = None;
    // Twenty articles of 50 kB each: one page of them is a megabyte.
    for n in 0..20 {
        let row = app
            .article(ArticleSpec::published(&format!("long-{n}"), news.id, n + 1))
            .await;
        use sea_orm::{ConnectionTrait, Statement};
        app.db
            .execute_raw(Statement::from_sql_and_values(
                app.db.get_database_backend(),
                "UPDATE article_translation SET body = $1 WHERE article_id = $2",
                [
                    format!("<p>{}</p>", "가".repeat(16_000)).into(),
                    row.id.into(),
                ],
            ))
            .await
            .unwrap();
        first.get_or_insert(row);
    }
    let address = app.listen().await;
    let mut client = WsClient::ready(address, json!({})).await;
    let id = article_id(first.as_ref().unwrap());
    client.subscribed("likes", LIKES, json!({ "id": id })).await;
    assert_eq!(
        app.metrics
            .render()
            .lines()
            .find(|l| l.starts_with("newswire_subscriptions "))
            .unwrap(),
        "newswire_subscriptions 1"
    );
    // Thirty pages asked for, none read: far more than the sockets' buffers hold.
    for n in 0..30 {
        client
            .subscribe(
                &n.to_string(),
                "{ articles(first: 20) { nodes { body } } }",
                json!({}),
            )
            .await;
    }
    let gauge = |name: &str| {
        app.metrics
            .render()
            .lines()
            .find_map(|l| {
                l.strip_prefix(&format!("newswire_{name} "))
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while gauge("websocket_connections") != "0" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server still holds the connection"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(gauge("subscriptions"), "0");
    drop(client);
}
