//! The `rateLimit` root field: the caller's query budget, after paying for this query.

use async_graphql::{Context, Object, SimpleObject};

use super::{context, executor::Metered, scalars::DateTime};

/// A caller's query budget: a bucket of points that refills at a steady rate. Each query
/// costs its objects by requested page size (every field 1, a list times its `first` or
/// `last`), charged before it runs.
#[derive(SimpleObject)]
pub struct RateLimit {
    /// The bucket's size: the most the caller can spend at once.
    pub limit: i64,
    /// What this query cost.
    pub cost: i64,
    /// What is left after it.
    pub remaining: i64,
    /// When the bucket is full again if nothing more is spent.
    pub reset_at: DateTime,
    /// Points the bucket gets back each second.
    pub restore_rate: i64,
    /// Whether this caller is charged at all (anonymous callers on the server's own machine
    /// are not, unless the server is told to).
    pub metered: bool,
}

/// Root field of the caller's budget.
#[derive(Default)]
pub struct RateLimitQuery;

#[Object]
impl RateLimitQuery {
    /// The caller's query budget, after paying for this query.
    #[graphql(cache_control(private))]
    async fn rate_limit(&self, ctx: &Context<'_>) -> async_graphql::Result<RateLimit> {
        let cost = context::data::<Metered>(ctx)?;
        let tz = context::config(ctx)?.time_zone;
        let whole = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(RateLimit {
            limit: whole(cost.balance.limit),
            cost: whole(cost.requested),
            remaining: whole(cost.balance.remaining),
            reset_at: DateTime(cost.balance.reset_at.with_timezone(&tz).fixed_offset()),
            restore_rate: whole(cost.allowance.per_second),
            metered: cost.metered,
        })
    }
}
