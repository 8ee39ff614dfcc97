//! Subscriptions over WebSocket: `GET /graphql/ws`, in the graphql-transport-ws protocol of
//! the `graphql-ws` client (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).
//!
//! Each refusal closes the socket with the code the protocol names for it:
//!
//! | code | when |
//! |---|---|
//! | 4400 | a message that is not one of the protocol's, or not JSON |
//! | 4401 | `subscribe` before the server acknowledged `connection_init` |
//! | 4403 | `connection_init` with an API key that is unknown, revoked or malformed |
//! | 4406 | the client did not offer the `graphql-transport-ws` subprotocol |
//! | 4408 | no `connection_init` within `NEWSWIRE_WS_INIT_TIMEOUT_SECS` |
//! | 4409 | `subscribe` with the id of a subscription still running |
//! | 4429 | a second `connection_init`, or more connections from one address than allowed |
//!
//! and, from the WebSocket standard, 1009 for a message larger than allowed, 1008 for a
//! client that answers no keep-alive ping, 1001 when the server shuts down. A subscription
//! over the limit per connection is refused with an `error` message (RATE_LIMITED) and the
//! connection stays open. A client that reads slower than the server writes is disconnected
//! once one message has waited `NEWSWIRE_WS_SEND_TIMEOUT_SECS`: events it has not taken wait
//! in the instance's one event queue, which keeps a bounded number for everyone, so a slow
//! client costs no memory of its own beyond one message.

use std::{collections::HashMap, time::Duration};

use axum::{
    extract::{
        ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade},
        State,
    },
    http::{header, HeaderMap},
    response::Response,
    Extension,
};
use futures_util::{
    stream::{self, AbortHandle, Abortable, BoxStream, SelectAll},
    StreamExt,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::{Instant, MissedTickBehavior};

use super::{
    auth::Authenticated, client_id::ClientId, metering, rate_limit::ClientAddress, REQUEST_ID,
};
use crate::{
    domain::{access::Principal, api_keys, locale, DomainError},
    graphql::{
        context::{AcceptedLocales, Requester},
        error,
        executor::Caller,
    },
    state::AppState,
};

/// The subprotocol spoken here.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Close codes of the graphql-transport-ws protocol.
mod close {
    pub const INVALID_MESSAGE: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY_REQUESTS: u16 = 4429;
    /// RFC 6455: the endpoint is going away.
    pub const GOING_AWAY: u16 = 1001;
    /// RFC 6455: a policy was violated (no answer to keep-alive pings).
    pub const POLICY_VIOLATION: u16 = 1008;
    /// RFC 6455: the message is too big to process.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// RFC 6455: the server met a condition it did not expect.
    pub const INTERNAL_ERROR: u16 = 1011;
}

/// The bytes a socket's read buffer starts with.
const READ_BUFFER: usize = 4096;

/// How many keep-alive intervals a client may stay silent.
const SILENT_INTERVALS: u32 = 3;

/// The longest close reason a frame carries, in bytes.
const MAX_REASON: usize = 123;

/// A message from the client.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {},
    Subscribe {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
}

/// What a subscription sends.
enum Frame {
    /// One result.
    Next(async_graphql::Response),
    /// The operation was refused before it ran; nothing follows.
    Error(Vec<async_graphql::ServerError>),
    /// The operation ended.
    Complete,
}

/// Who is on the other end, from the upgrade request.
struct Peer {
    principal: Option<Principal>,
    client: String,
    address: ClientAddress,
    accepted: AcceptedLocales,
    request_id: String,
}

/// `GET /graphql/ws`: the upgrade to a WebSocket.
pub async fn upgrade(
    State(state): State<AppState>,
    Extension(client): Extension<ClientId>,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let limit = state.config.ws_max_message_bytes;
    let upgrade = upgrade
        .protocols([PROTOCOL])
        // Larger messages are refused by the session with 1009; these bounds only keep
        // the socket itself from buffering more than twice that.
        .max_message_size(limit.saturating_mul(2).max(1024))
        .max_frame_size(limit.saturating_mul(2).max(1024))
        // Clients send small messages: a socket's read buffer starts small (it grows for a
        // larger one), so that ten thousand idle sockets hold little memory.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(limit.saturating_mul(16).max(1 << 20));
    let offered = upgrade.selected_protocol().is_some();
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let peer = Peer {
        principal,
        client: client.0,
        address,
        accepted: AcceptedLocales(locale::from_accept_language(accept_language)),
        request_id: headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned(),
    };
    upgrade.on_upgrade(move |socket| async move {
        if !offered {
            closing(
                socket,
                close::SUBPROTOCOL_NOT_ACCEPTABLE,
                "Subprotocol not acceptable",
            )
            .await;
            return;
        }
        let max = state.config.ws_max_connections_per_address;
        let Some(_connected) = state.live.connect(peer.address.0, max) else {
            closing(
                socket,
                close::TOO_MANY_REQUESTS,
                "Too many connections from this address",
            )
            .await;
            return;
        };
        Session::new(state, socket, peer).run().await;
    })
}

/// Closes `socket` with `code` and `reason`.
async fn closing(mut socket: WebSocket, code: u16, reason: &str) {
    socket.send(close_frame(code, reason)).await.ok();
}

fn close_frame(code: u16, reason: &str) -> Message {
    let mut end = reason.len().min(MAX_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from(&reason[..end]),
    }))
}

/// Why a session ends.
enum End {
    /// Close with this code and reason.
    Close(u16, String),
    /// The client went away, or cannot be written to: nothing more to send.
    Gone,
}

/// One connection.
struct Session {
    state: AppState,
    socket: WebSocket,
    peer: Peer,
    /// The principal the connection speaks for, once `connection_init` was acknowledged.
    acknowledged: Option<Option<Principal>>,
    running: HashMap<String, AbortHandle>,
    frames: SelectAll<BoxStream<'static, (String, Frame)>>,
    send_timeout: Duration,
}

impl Session {
    fn new(state: AppState, socket: WebSocket, peer: Peer) -> Self {
        let send_timeout = Duration::from_secs(state.config.ws_send_timeout_secs.max(1));
        Session {
            state,
            socket,
            peer,
            acknowledged: None,
            running: HashMap::new(),
            frames: SelectAll::new(),
            send_timeout,
        }
    }

    async fn run(mut self) {
        let end = self.serve().await;
        for (_, handle) in self.running.drain() {
            handle.abort();
        }
        if let End::Close(code, reason) = end {
            let frame = close_frame(code, &reason);
            tokio::time::timeout(self.send_timeout, self.socket.send(frame))
                .await
                .ok();
        }
    }

    async fn serve(&mut self) -> End {
        let config = self.state.config.clone();
        let init_deadline = Instant::now() + Duration::from_secs(config.ws_init_timeout_secs);
        let interval = Duration::from_secs(config.ws_keepalive_secs.max(1));
        let mut keepalive = tokio::time::interval_at(Instant::now() + interval, interval);
        keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut heard = Instant::now();
        let mut stopping = self.state.live.stopping();
        loop {
            let waiting_for_init = self.acknowledged.is_none();
            tokio::select! {
                incoming = self.socket.recv() => {
                    heard = Instant::now();
                    let message = match incoming {
                        None | Some(Err(_)) => return End::Gone,
                        Some(Ok(message)) => message,
                    };
                    if let Some(end) = self.receive(message).await {
                        return end;
                    }
                }
                Some((id, frame)) = self.frames.next(), if !self.frames.is_empty() => {
                    if let Some(end) = self.emit(id, frame).await {
                        return end;
                    }
                }
                () = tokio::time::sleep_until(init_deadline), if waiting_for_init => {
                    return End::Close(close::INIT_TIMEOUT, "Connection initialisation timeout".into());
                }
                _ = keepalive.tick() => {
                    if heard.elapsed() > interval * SILENT_INTERVALS {
                        return End::Close(close::POLICY_VIOLATION, "No answer to keep-alive pings".into());
                    }
                    if !self.send(Message::Ping(Default::default())).await {
                        return End::Gone;
                    }
                }
                changed = stopping.changed() => {
                    if changed.is_err() || *stopping.borrow() {
                        return End::Close(close::GOING_AWAY, "Server shutting down".into());
                    }
                }
            }
        }
    }

    /// Sends `message` within the send timeout; `false` if the client cannot take it.
    async fn send(&mut self, message: Message) -> bool {
        matches!(
            tokio::time::timeout(self.send_timeout, self.socket.send(message)).await,
            Ok(Ok(()))
        )
    }

    async fn send_json(&mut self, value: &Value) -> bool {
        self.send(Message::Text(value.to_string().into())).await
    }

    /// Handles one message from the client; `Some` ends the session.
    async fn receive(&mut self, message: Message) -> Option<End> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return Some(End::Close(
                    close::INVALID_MESSAGE,
                    "Invalid message received: binary frames are not part of the protocol".into(),
                ))
            }
            Message::Ping(_) | Message::Pong(_) => return None,
            Message::Close(_) => return Some(End::Gone),
        };
        if text.len() > self.state.config.ws_max_message_bytes {
            return Some(End::Close(
                close::MESSAGE_TOO_BIG,
                format!(
                    "Message too big: at most {} bytes",
                    self.state.config.ws_max_message_bytes
                ),
            ));
        }
        let message: ClientMessage = match serde_json::from_str(text.as_str()) {
            Ok(message) => message,
            Err(e) => {
                return Some(End::Close(
                    close::INVALID_MESSAGE,
                    format!("Invalid message received: {e}"),
                ))
            }
        };
        match message {
            ClientMessage::ConnectionInit { payload } => self.init(payload).await,
            ClientMessage::Ping { payload } => {
                let pong = match payload {
                    Some(payload) => json!({ "type": "pong", "payload": payload }),
                    None => json!({ "type": "pong" }),
                };
                (!self.send_json(&pong).await).then_some(End::Gone)
            }
            ClientMessage::Pong { .. } => None,
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, *payload).await,
            ClientMessage::Complete { id } => {
                if let Some(handle) = self.running.remove(&id) {
                    handle.abort();
                }
                None
            }
        }
    }

    /// `connection_init`: the API key, if the payload names one, as `Authorization` (with
    /// `Bearer `) or `apiKey`; otherwise whoever the upgrade request was from.
    async fn init(&mut self, payload: Option<Value>) -> Option<End> {
        if self.acknowledged.is_some() {
            return Some(End::Close(
                close::TOO_MANY_REQUESTS,
                "Too many initialisation requests".into(),
            ));
        }
        let secret = payload
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|fields| {
                fields.iter().find_map(|(name, value)| {
                    let value = value.as_str()?;
                    if name.eq_ignore_ascii_case("authorization") {
                        Some(
                            value
                                .strip_prefix("Bearer ")
                                .unwrap_or(value)
                                .trim()
                                .to_owned(),
                        )
                    } else if name == "apiKey" {
                        Some(value.trim().to_owned())
                    } else {
                        None
                    }
                })
            });
        let principal = match secret {
            None => self.peer.principal.clone(),
            Some(secret) => match api_keys::authenticate(&self.state.db, &secret).await {
                Ok(principal) => Some(principal),
                Err(DomainError::Unauthenticated(_)) => {
                    return Some(End::Close(close::FORBIDDEN, "Forbidden".into()))
                }
                Err(error) => {
                    tracing::error!(%error, "could not check an API key");
                    return Some(End::Close(close::INTERNAL_ERROR, "Internal error".into()));
                }
            },
        };
        self.acknowledged = Some(principal);
        (!self.send_json(&json!({ "type": "connection_ack" })).await).then_some(End::Gone)
    }

    /// `subscribe`: checks, charges and starts the operation.
    async fn subscribe(&mut self, id: String, request: async_graphql::Request) -> Option<End> {
        let Some(principal) = self.acknowledged.clone() else {
            return Some(End::Close(close::UNAUTHORIZED, "Unauthorized".into()));
        };
        if self.running.contains_key(&id) {
            return Some(End::Close(
                close::SUBSCRIBER_EXISTS,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let config = &self.state.config;
        if self.running.len() >= config.ws_max_subscriptions {
            let refusal = error::refusal(
                error::RATE_LIMITED,
                format!(
                    "a connection may hold at most {} subscriptions (NEWSWIRE_WS_MAX_SUBSCRIPTIONS)",
                    config.ws_max_subscriptions
                ),
            );
            let message = json!({ "type": "error", "id": id, "payload": [refusal] });
            return (!self.send_json(&message).await).then_some(End::Gone);
        }
        let caller = Caller {
            payer: metering::payer(config, principal.as_ref(), self.peer.address),
            requester: Requester::new(principal, &self.peer.client),
            accepted: self.peer.accepted.clone(),
            fresh: false,
        };
        let responses = self
            .state
            .graphql
            .subscribe(request, caller, &self.peer.request_id)
            .await;
        let (handle, registration) = AbortHandle::new_pair();
        self.running.insert(id.clone(), handle);
        self.frames
            .push(Abortable::new(frames(id, responses), registration).boxed());
        None
    }

    /// Sends what a subscription produced; `Some` ends the session.
    async fn emit(&mut self, id: String, frame: Frame) -> Option<End> {
        let message = match frame {
            Frame::Next(response) => json!({ "type": "next", "id": id, "payload": response }),
            Frame::Error(errors) => {
                self.running.remove(&id);
                json!({ "type": "error", "id": id, "payload": errors })
            }
            Frame::Complete => {
                self.running.remove(&id);
                json!({ "type": "complete", "id": id })
            }
        };
        (!self.send_json(&message).await).then_some(End::Gone)
    }
}

/// The frames of one subscription: its results, then `complete`; or one `error` when it was
/// refused before it ran (no data at all, and errors without a path).
fn frames(
    id: String,
    responses: BoxStream<'static, async_graphql::Response>,
) -> BoxStream<'static, (String, Frame)> {
    stream::unfold(
        (responses, true, false),
        |(mut responses, first, done)| async move {
            if done {
                return None;
            }
            match responses.next().await {
                Some(response) => {
                    let refused = first
                        && matches!(response.data, async_graphql::Value::Null)
                        && !response.errors.is_empty()
                        && response.errors.iter().all(|e| e.path.is_empty());
                    if refused {
                        Some((Frame::Error(response.errors), (responses, false, true)))
                    } else {
                        Some((Frame::Next(response), (responses, false, false)))
                    }
                }
                None => Some((Frame::Complete, (responses, false, true))),
            }
        },
    )
    .map(move |frame| (id.clone(), frame))
    .boxed()
}
