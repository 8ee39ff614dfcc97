//! Cost budgets: every query's cost (objects by page size, `graphql::limits`) is charged to
//! its payer before it runs, from a bucket that refills at a steady rate, the way GitHub's
//! and Shopify's GraphQL APIs meter their callers. A payer is an API key (its allowance set
//! by its role) or, for anonymous callers, the client's address. A query that costs more
//! than its payer has left is refused before execution with `RATE_LIMITED`.
//!
//! The buckets live in Redis when `REDIS_URL` is set, so every instance charges the same
//! ones ([`shared`]); otherwise, or while Redis cannot be reached, in the process
//! ([`memory`]).

mod memory;
mod shared;

use std::{fmt, str::FromStr, sync::Arc};

use chrono::{DateTime, Utc};
use entity::ApiRole;

/// What one kind of payer may spend: a bucket of `points` that refills `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// The bucket's size: the most a payer can spend at once.
    pub points: u64,
    /// Points the bucket gets back each second, up to its size.
    pub per_second: u64,
}

/// The allowance of every kind of payer (`NEWSWIRE_BUDGETS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowances {
    /// Anonymous callers, per client address.
    pub anonymous: Allowance,
    /// PARTNER keys.
    pub partner: Allowance,
    /// EDITOR keys.
    pub editor: Allowance,
    /// ADMIN keys.
    pub admin: Allowance,
}

impl Allowances {
    /// The allowance of a caller with this role (`None`: anonymous).
    pub fn of(&self, role: Option<ApiRole>) -> Allowance {
        match role {
            None => self.anonymous,
            Some(ApiRole::Partner) => self.partner,
            Some(ApiRole::Editor) => self.editor,
            Some(ApiRole::Admin) => self.admin,
        }
    }
}

impl FromStr for Allowances {
    type Err = String;

    /// Reads `anonymous=10000/500,partner=50000/2500,…`: for each kind of payer, points and
    /// points per second; kinds left out keep their defaults.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut allowances = DEFAULT_ALLOWANCES;
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (who, amount) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not `who=points/per_second`"))?;
            let (points, per_second) = amount
                .split_once('/')
                .ok_or_else(|| format!("`{amount}` is not `points/per_second`"))?;
            let number = |text: &str| {
                text.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("`{text}` is not a whole number above 0"))
            };
            let allowance = Allowance {
                points: number(points)?,
                per_second: number(per_second)?,
            };
            match who.trim() {
                "anonymous" => allowances.anonymous = allowance,
                "partner" => allowances.partner = allowance,
                "editor" => allowances.editor = allowance,
                "admin" => allowances.admin = allowance,
                other => {
                    return Err(format!(
                        "`{other}` is not anonymous, partner, editor or admin"
                    ))
                }
            }
        }
        Ok(allowances)
    }
}

impl fmt::Display for Allowances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds = [
            ("anonymous", self.anonymous),
            ("partner", self.partner),
            ("editor", self.editor),
            ("admin", self.admin),
        ];
        let items: Vec<String> = kinds
            .iter()
            .map(|(who, a)| format!("{who}={}/{}", a.points, a.per_second))
            .collect();
        f.write_str(&items.join(","))
    }
}

/// The allowances when none are configured: a reader's page costs about 250 points, so an
/// address can load some 40 pages at once and two a second after that.
pub const DEFAULT_ALLOWANCES: Allowances = Allowances {
    anonymous: Allowance {
        points: 10_000,
        per_second: 500,
    },
    partner: Allowance {
        points: 50_000,
        per_second: 2_500,
    },
    editor: Allowance {
        points: 100_000,
        per_second: 10_000,
    },
    admin: Allowance {
        points: 100_000,
        per_second: 10_000,
    },
};

/// Who pays for a request, and from what allowance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    /// The bucket: `key:<id>` for an API key, `address:<ip>` for an anonymous caller.
    pub bucket: String,
    /// Its allowance.
    pub allowance: Allowance,
    /// Whether it is charged at all: loopback callers are not, unless configured.
    pub metered: bool,
}

/// A bucket's state after a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// The bucket's size.
    pub limit: u64,
    /// What is left in it.
    pub remaining: u64,
    /// When it is full again, if nothing more is spent.
    pub reset_at: DateTime<Utc>,
}

impl Balance {
    /// A full bucket of `allowance`.
    pub fn full(allowance: Allowance, now: DateTime<Utc>) -> Self {
        Balance {
            limit: allowance.points,
            remaining: allowance.points,
            reset_at: now,
        }
    }

    /// Whole seconds until the bucket holds `cost` again (at least 1).
    pub fn seconds_until(&self, cost: u64, allowance: Allowance) -> u64 {
        cost.saturating_sub(self.remaining)
            .div_ceil(allowance.per_second)
            .max(1)
    }
}

/// What charging a query came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// It was paid for; the bucket now holds this.
    Paid(Balance),
    /// It costs more than is left; nothing was taken.
    Refused(Balance),
}

/// Where the buckets are kept.
#[derive(Clone)]
pub struct Ledger {
    memory: Arc<memory::Buckets>,
    shared: Option<shared::Buckets>,
}

impl Ledger {
    /// Buckets in Redis at `redis_url` (under `prefix`), or in this process when `None`.
    pub fn new(redis_url: Option<&str>, prefix: &str) -> Result<Self, String> {
        let shared = redis_url
            .map(|url| shared::Buckets::new(url, prefix))
            .transpose()?;
        Ok(Ledger {
            shared,
            ..Self::in_process()
        })
    }

    /// Buckets in this process only.
    pub fn in_process() -> Self {
        Ledger {
            memory: Arc::new(memory::Buckets::default()),
            shared: None,
        }
    }

    /// Takes `cost` from `payer`'s bucket if it holds that much.
    pub async fn charge(&self, payer: &Payer, cost: u64) -> Charge {
        let now = Utc::now();
        if !payer.metered {
            return Charge::Paid(Balance::full(payer.allowance, now));
        }
        if let Some(shared) = &self.shared {
            match shared.charge(payer, cost).await {
                Ok(charge) => return charge,
                Err(Some(error)) => tracing::warn!(
                    %error,
                    "Redis cannot be reached: this instance charges its own budgets for a while"
                ),
                Err(None) => {}
            }
        }
        self.memory.charge(payer, cost, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_are_read_per_kind_of_payer_and_the_rest_keep_their_defaults() {
        let read: Allowances = "partner=100/10, anonymous=50/5".parse().unwrap();
        assert_eq!(
            read.partner,
            Allowance {
                points: 100,
                per_second: 10
            }
        );
        assert_eq!(read.anonymous.points, 50);
        assert_eq!(read.editor, DEFAULT_ALLOWANCES.editor);
        assert_eq!(read.to_string().parse::<Allowances>().unwrap(), read);
        for wrong in ["reader=1/1", "partner=1", "partner=0/1", "partner=a/1"] {
            assert!(wrong.parse::<Allowances>().is_err(), "{wrong}");
        }
    }

    #[tokio::test]
    async fn while_redis_cannot_be_reached_the_instance_keeps_charging_its_own_buckets() {
        let ledger = Ledger::new(Some("redis://127.0.0.1:1"), "unreachable").unwrap();
        let payer = Payer {
            bucket: "address:203.0.113.1".into(),
            allowance: Allowance {
                points: 10,
                per_second: 1,
            },
            metered: true,
        };
        assert!(matches!(ledger.charge(&payer, 6).await, Charge::Paid(b) if b.remaining == 4));
        assert!(matches!(ledger.charge(&payer, 6).await, Charge::Refused(_)));
        let unmetered = Payer {
            metered: false,
            ..payer
        };
        assert!(matches!(ledger.charge(&unmetered, 6).await, Charge::Paid(b) if b.remaining == 10));
        assert!(Ledger::new(Some("not a url"), "x").is_err());
    }

    #[test]
    fn the_wait_is_what_the_missing_points_take_to_come_back() {
        let allowance = Allowance {
            points: 100,
            per_second: 10,
        };
        let balance = Balance {
            limit: 100,
            remaining: 5,
            reset_at: Utc::now(),
        };
        assert_eq!(balance.seconds_until(30, allowance), 3);
        assert_eq!(balance.seconds_until(31, allowance), 3);
        assert_eq!(balance.seconds_until(36, allowance), 4);
        assert_eq!(
            balance.seconds_until(1, allowance),
            1,
            "never less than a second"
        );
    }
}
