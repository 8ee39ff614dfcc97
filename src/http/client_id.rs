//! Who a request's likes belong to: the `X-Client-Id` header, else the `newswire_client`
//! cookie, which is set on first contact.

use axum::{
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

use super::problem::problem;
use crate::{graphql::error, state::AppState};

/// Header a client may identify itself with.
pub const CLIENT_ID_HEADER: HeaderName = HeaderName::from_static("x-client-id");
/// Cookie the server gives clients that send no id.
pub const CLIENT_COOKIE: &str = "newswire_client";
/// Longest client id accepted.
const MAX_CLIENT_ID_LEN: usize = 100;
/// Two years, in seconds.
const COOKIE_MAX_AGE: u64 = 2 * 365 * 24 * 60 * 60;

fn valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn from_cookie(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == CLIENT_COOKIE && valid(value))
        .map(|(_, value)| value.to_owned())
}

/// The client a request comes from, as it identified itself or as the server named it.
#[derive(Debug, Clone)]
pub struct ClientId(pub String);

/// Puts the request's [`ClientId`] into its extensions, and sets the cookie when it was new.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let header_id = match request.headers().get(&CLIENT_ID_HEADER) {
        None => None,
        Some(value) => match value.to_str() {
            Ok(id) if valid(id) => Some(id.to_owned()),
            _ => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    error::BAD_USER_INPUT,
                    format!(
                        "X-Client-Id must be 1 to {MAX_CLIENT_ID_LEN} characters of A-Z, a-z, 0-9, '-', '_', '.' or ':'"
                    ),
                )
            }
        },
    };
    let (client, issued) = match header_id.or_else(|| from_cookie(&request)) {
        Some(id) => (id, false),
        None => (uuid::Uuid::new_v4().simple().to_string(), true),
    };
    request.extensions_mut().insert(ClientId(client.clone()));
    let mut response = next.run(request).await;
    if issued {
        let secure = if state.config.site_url.starts_with("https:") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{CLIENT_COOKIE}={client}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax{secure}"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        keep_private(&mut response);
    }
    response
}

/// Makes a response that sets the client cookie private: a shared cache that kept it would
/// hand one reader's cookie to every other.
fn keep_private(response: &mut Response) {
    let headers = response.headers_mut();
    let control = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let shared = !control.is_empty()
        && !control
            .split(',')
            .any(|d| matches!(d.trim(), "private" | "no-store"));
    if shared {
        let directives: Vec<&str> = control
            .split(',')
            .map(str::trim)
            .filter(|d| *d != "public")
            .collect();
        let private = format!("{}, private", directives.join(", "));
        if let Ok(value) = HeaderValue::from_str(&private) {
            headers.insert(header::CACHE_CONTROL, value);
        }
    }
}
