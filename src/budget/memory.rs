//! Buckets kept in this process: one per payer, forgotten after an idle hour (a bucket
//! left alone that long is full again anyway).

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

use super::{Balance, Charge, Payer};

/// How long an untouched bucket is kept.
const IDLE: Duration = Duration::from_secs(3600);

/// How many buckets are kept at most.
const MOST_BUCKETS: u64 = 1_000_000;

/// A bucket's level at a time.
#[derive(Debug, Clone, Copy)]
struct Level {
    points: f64,
    at: DateTime<Utc>,
}

/// The buckets of this process.
pub struct Buckets(moka::sync::Cache<String, Arc<Mutex<Level>>>);

impl Default for Buckets {
    fn default() -> Self {
        Buckets(
            moka::sync::Cache::builder()
                .max_capacity(MOST_BUCKETS)
                .time_to_idle(IDLE)
                .build(),
        )
    }
}

impl Buckets {
    /// Takes `cost` from `payer`'s bucket, refilled for the time since it was last touched.
    pub fn charge(&self, payer: &Payer, cost: u64, now: DateTime<Utc>) -> Charge {
        let allowance = payer.allowance;
        let capacity = allowance.points as f64;
        let bucket = self.0.get_with(payer.bucket.clone(), || {
            Arc::new(Mutex::new(Level {
                points: capacity,
                at: now,
            }))
        });
        let Ok(mut level) = bucket.lock() else {
            return Charge::Paid(Balance::full(allowance, now));
        };
        let elapsed = (now - level.at)
            .num_microseconds()
            .unwrap_or(i64::MAX)
            .max(0) as f64
            / 1e6;
        let mut points = (level.points + elapsed * allowance.per_second as f64).min(capacity);
        let paid = points >= cost as f64;
        if paid {
            points -= cost as f64;
        }
        *level = Level { points, at: now };
        let balance = balance(points, capacity, allowance.per_second, now);
        if paid {
            Charge::Paid(balance)
        } else {
            Charge::Refused(balance)
        }
    }
}

/// The balance of a bucket holding `points` of `capacity`, refilling `per_second`.
pub fn balance(points: f64, capacity: f64, per_second: u64, now: DateTime<Utc>) -> Balance {
    let missing = (capacity - points).max(0.0);
    let millis = (missing / per_second as f64 * 1000.0).ceil() as i64;
    Balance {
        limit: capacity as u64,
        remaining: points.max(0.0).floor() as u64,
        reset_at: now + chrono::Duration::milliseconds(millis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Allowance;

    fn payer() -> Payer {
        Payer {
            bucket: "address:203.0.113.9".into(),
            allowance: Allowance {
                points: 100,
                per_second: 10,
            },
            metered: true,
        }
    }

    #[test]
    fn a_bucket_pays_what_it_holds_refuses_more_and_refills_with_time() {
        let buckets = Buckets::default();
        let start = Utc::now();
        let Charge::Paid(after) = buckets.charge(&payer(), 70, start) else {
            panic!("a full bucket pays 70 of 100");
        };
        assert_eq!(after.remaining, 30);
        assert_eq!(after.reset_at, start + chrono::Duration::seconds(7));
        let Charge::Refused(short) = buckets.charge(&payer(), 40, start) else {
            panic!("30 left cannot pay 40");
        };
        assert_eq!(short.remaining, 30, "a refusal takes nothing");
        let later = start + chrono::Duration::seconds(2);
        assert!(
            matches!(buckets.charge(&payer(), 40, later), Charge::Paid(b) if b.remaining == 10)
        );
        let much_later = start + chrono::Duration::hours(1);
        assert!(
            matches!(buckets.charge(&payer(), 0, much_later), Charge::Paid(b) if b.remaining == 100),
            "never more than the bucket holds"
        );
    }

    #[test]
    fn each_payer_has_a_bucket_of_its_own() {
        let buckets = Buckets::default();
        let now = Utc::now();
        assert!(matches!(
            buckets.charge(&payer(), 100, now),
            Charge::Paid(_)
        ));
        let other = Payer {
            bucket: "key:7".into(),
            ..payer()
        };
        assert!(matches!(buckets.charge(&other, 100, now), Charge::Paid(_)));
        assert!(matches!(
            buckets.charge(&payer(), 1, now),
            Charge::Refused(_)
        ));
    }
}
