//! Per-client request rate limiting (GCRA, through `governor`), keyed by the client's address.
//!
//! Client ids are chosen by clients, so they cannot key a limit; the peer address can. Behind
//! a load balancer, `NEWSWIRE_TRUST_FORWARDED_FOR` makes the first `X-Forwarded-For` address
//! the key instead.

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

use super::problem::problem;
use crate::{config::Config, graphql::error, state::AppState};

/// How often (in requests) idle clients are forgotten, to keep the table small.
const SWEEP_EVERY: u64 = 10_000;

/// The shared limiter; absent when rate limiting is switched off.
#[derive(Clone)]
pub struct Limiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    seen: Arc<AtomicU64>,
    trust_forwarded_for: bool,
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
            trust_forwarded_for: config.trust_forwarded_for,
        })
    }

    fn key(&self, request: &Request) -> IpAddr {
        let forwarded = self
            .trust_forwarded_for
            .then(|| request.headers().get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        forwarded
            .or_else(|| {
                request
                    .extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip())
            })
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }
}

/// Refuses a request with 429 and `RATE_LIMITED` when its client is over the limit.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = &state.limiter else {
        return next.run(request).await;
    };
    if limiter.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        limiter.limiter.retain_recent();
    }
    match limiter.limiter.check_key(&limiter.key(&request)) {
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
