//! Per-client request rate limiting (GCRA, through `governor`), keyed by the client's address.
//!
//! Client ids are chosen by clients, so they cannot key a limit; the peer address can. Behind
//! a proxy named in `NEWSWIRE_TRUSTED_PROXIES`, the key is the right-most `X-Forwarded-For`
//! address that is not a trusted proxy: the address the outermost trusted proxy appended,
//! which a client cannot choose (whatever it sent itself stands to the left of it). Clients on
//! loopback are not limited unless `NEWSWIRE_RATE_LIMIT_LOOPBACK` says so.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    num::NonZeroU32,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use super::problem::problem;
use crate::{config::Config, graphql::error, state::AppState};

/// How often (in requests) idle clients are forgotten, to keep the table small.
const SWEEP_EVERY: u64 = 10_000;

/// The address a request is limited and budgeted by, as [`limit`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The shared limiter; absent when rate limiting is switched off.
#[derive(Clone)]
pub struct Limiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    seen: Arc<AtomicU64>,
    trusted_proxies: Arc<[IpNet]>,
    limit_loopback: bool,
}

impl Limiter {
    /// The limiter `config` asks for, or `None` when its rate is 0.
    pub fn from_config(config: &Config) -> Option<Limiter> {
        let rate = NonZeroU32::new(config.rate_limit_per_second)?;
        let burst = NonZeroU32::new(config.rate_limit_burst).unwrap_or(rate);
        Some(Limiter {
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_second(rate).allow_burst(burst),
            )),
            seen: Arc::new(AtomicU64::new(0)),
            trusted_proxies: config.trusted_proxies.clone().into(),
            limit_loopback: config.rate_limit_loopback,
        })
    }

    fn key(&self, request: &Request) -> IpAddr {
        client_address(&self.trusted_proxies, request)
    }
}

/// The address of a request's client: its peer, or behind trusted proxies the right-most
/// forwarded address that is not one of them.
fn client_address(trusted_proxies: &[IpNet], request: &Request) -> IpAddr {
    let trusted = |address: IpAddr| trusted_proxies.iter().any(|net| net.contains(&address));
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| {
            c.0.ip().to_canonical()
        });
    if !trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address was not written by a trusted proxy: the one
        // after it is the last address known.
        let Some(address) = forwarded_address(hop) else {
            break;
        };
        client = address;
        if !trusted(address) {
            break;
        }
    }
    client
}

/// The address in one `X-Forwarded-For` hop: `203.0.113.7`, `2001:db8::1`, or either with a
/// port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn forwarded_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|address| address.to_canonical())
}

/// Refuses a request with 429 and `RATE_LIMITED` when its client is over the limit; tells
/// the handlers who the client is ([`ClientAddress`]).
pub async fn limit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(limiter) = &state.limiter else {
        let address = client_address(&state.config.trusted_proxies, &request);
        request.extensions_mut().insert(ClientAddress(address));
        return next.run(request).await;
    };
    if limiter.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        limiter.limiter.retain_recent();
    }
    let key = limiter.key(&request);
    request.extensions_mut().insert(ClientAddress(key));
    if key.is_loopback() && !limiter.limit_loopback {
        return next.run(request).await;
    }
    match limiter.limiter.check_key(&key) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let seconds = wait.as_secs() + 1;
            let mut response = problem(
                StatusCode::TOO_MANY_REQUESTS,
                error::RATE_LIMITED,
                format!("too many requests; retry in {seconds} s"),
            );
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;

    fn limiter(trusted: &[&str]) -> Limiter {
        let mut config = Config::with_database("sqlite::memory:");
        config.trusted_proxies = trusted.iter().map(|t| t.parse().unwrap()).collect();
        Limiter::from_config(&config).unwrap()
    }

    fn key(limiter: &Limiter, peer: &str, forwarded: &[&str]) -> String {
        let mut request = Request::new(Body::empty());
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        for value in forwarded {
            request
                .headers_mut()
                .append("x-forwarded-for", value.parse().unwrap());
        }
        limiter.key(&request).to_string()
    }

    #[test]
    fn an_untrusted_peer_is_its_own_key_whatever_it_forwards() {
        let limiter = limiter(&["10.0.0.0/8"]);
        assert_eq!(
            key(&limiter, "203.0.113.7:5000", &["198.51.100.1"]),
            "203.0.113.7"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_key() {
        let limiter = limiter(&["10.0.0.0/8", "192.0.2.1/32"]);
        // The client claims to be 1.2.3.4; the load balancer appended what it saw.
        assert_eq!(
            key(&limiter, "10.0.0.5:80", &["1.2.3.4, 198.51.100.9"]),
            "198.51.100.9"
        );
        // Two proxies, the header split over two lines, one hop with a port.
        assert_eq!(
            key(
                &limiter,
                "10.0.0.5:80",
                &["1.2.3.4", "198.51.100.9:4711, 192.0.2.1"]
            ),
            "198.51.100.9"
        );
        assert_eq!(
            key(&limiter, "10.0.0.5:80", &["[2001:db8::7]:1, 10.1.1.1"]),
            "2001:db8::7"
        );
        // No header: the proxy itself; garbage stops the walk at the last address known.
        assert_eq!(key(&limiter, "10.0.0.5:80", &[]), "10.0.0.5");
        assert_eq!(
            key(&limiter, "10.0.0.5:80", &["junk, 10.2.2.2"]),
            "10.2.2.2"
        );
    }

    #[test]
    fn mapped_ipv4_addresses_are_plain_ipv4() {
        let limiter = limiter(&["127.0.0.0/8"]);
        assert_eq!(key(&limiter, "[::ffff:127.0.0.1]:80", &[]), "127.0.0.1");
    }
}
