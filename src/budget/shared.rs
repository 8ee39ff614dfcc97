//! Buckets kept in Redis, shared by every instance: one hash per payer (`points`, `at`),
//! refilled and charged by one Lua script, so that concurrent charges from any number of
//! instances never spend the same points twice. The script reads the time from Redis
//! itself, so the instances' clocks do not matter.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use redis::{aio::ConnectionManager, aio::ConnectionManagerConfig, Script};

use super::{memory::balance, Charge, Payer};

/// How long a charge may wait for Redis before the instance charges its own buckets.
const TIMEOUT: Duration = Duration::from_millis(500);

/// How long, after Redis failed a charge, the instance charges its own buckets without
/// asking Redis again: an outage costs each request nothing, and Redis is tried again soon.
const BACK_OFF_MILLIS: i64 = 5_000;

/// Refills the bucket `KEYS[1]` for the time since it was last charged, then takes
/// `ARGV[3]` points if it holds them. `ARGV[1]` is its size, `ARGV[2]` its refill per
/// second. Returns whether it paid, the points left (as text: Lua numbers lose their
/// fraction on the way out) and the time in microseconds.
const CHARGE: &str = r"
local capacity = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local level = redis.call('HMGET', KEYS[1], 'points', 'at')
local points = tonumber(level[1]) or capacity
local at = tonumber(level[2]) or now
points = math.min(capacity, points + math.max(0, now - at) * per_second / 1000000)
local paid = 0
if points >= cost then
  points = points - cost
  paid = 1
end
redis.call('HSET', KEYS[1], 'points', tostring(points), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - points) / per_second * 1000) + 1000)
return {paid, tostring(points), tostring(now)}
";

/// The buckets in one Redis.
#[derive(Clone)]
pub struct Buckets {
    connection: ConnectionManager,
    prefix: String,
    script: Script,
    /// Until when (Unix milliseconds) Redis is not asked, after a failure.
    resting_until: Arc<AtomicI64>,
}

impl Buckets {
    /// Buckets in the Redis at `url`, under keys starting with `prefix`; it connects when
    /// first used.
    pub fn new(url: &str, prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("REDIS_URL: {e}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        let connection = client
            .get_connection_manager_lazy(config)
            .map_err(|e| format!("REDIS_URL: {e}"))?;
        Ok(Buckets {
            connection,
            prefix: prefix.to_owned(),
            script: Script::new(CHARGE),
            resting_until: Arc::new(AtomicI64::new(0)),
        })
    }

    /// Takes `cost` from `payer`'s bucket if it holds that much. `Err(Some(why))` when
    /// Redis cannot say in time; `Err(None)` while it rests after such a failure.
    pub async fn charge(&self, payer: &Payer, cost: u64) -> Result<Charge, Option<String>> {
        let now = Utc::now().timestamp_millis();
        if now < self.resting_until.load(Ordering::Relaxed) {
            return Err(None);
        }
        let charged = tokio::time::timeout(TIMEOUT, self.ask(payer, cost)).await;
        match charged {
            Ok(Ok(charge)) => Ok(charge),
            failed => {
                self.resting_until
                    .store(now + BACK_OFF_MILLIS, Ordering::Relaxed);
                Err(Some(match failed {
                    Ok(Err(error)) => error.to_string(),
                    _ => "Redis did not answer in time".into(),
                }))
            }
        }
    }

    async fn ask(&self, payer: &Payer, cost: u64) -> redis::RedisResult<Charge> {
        let mut connection = self.connection.clone();
        let allowance = payer.allowance;
        let (paid, points, now): (i64, String, String) = self
            .script
            .key(format!("{}:budget:{}", self.prefix, payer.bucket))
            .arg(allowance.points)
            .arg(allowance.per_second)
            .arg(cost)
            .invoke_async(&mut connection)
            .await?;
        let points: f64 = points.parse().unwrap_or(0.0);
        let now = now
            .parse::<i64>()
            .ok()
            .and_then(DateTime::<Utc>::from_timestamp_micros)
            .unwrap_or_else(Utc::now);
        let balance = balance(points, allowance.points as f64, allowance.per_second, now);
        Ok(if paid == 1 {
            Charge::Paid(balance)
        } else {
            Charge::Refused(balance)
        })
    }
}
