//! Configuration: one struct, read once from flags and the environment, with documented defaults.

use std::net::{IpAddr, SocketAddr};

use chrono_tz::Tz;
use clap::{Args, ValueEnum};
use ipnet::IpNet;

use crate::{budget::Allowances, domain::locale::Locale};

/// Everything the server can be told, each with a flag and an environment variable.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: a SQLite file (`sqlite://newswire.db?mode=rwc`) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://newswire.db?mode=rwc"
    )]
    pub database_url: String,

    /// A streaming replica of the PostgreSQL `DATABASE_URL` that reads go to (`postgres://…`).
    /// Writes, subscriptions and the reads of a caller who has just written stay on the
    /// primary. Unset: everything goes to `DATABASE_URL`.
    #[arg(long, env = "DATABASE_READ_URL")]
    pub database_read_url: Option<String>,

    /// Seconds after a write during which its caller's reads go to the primary, so that
    /// they see it on a replica that lags (only with `DATABASE_READ_URL`).
    #[arg(long, env = "NEWSWIRE_READ_YOUR_WRITES_SECS", default_value_t = 10)]
    pub read_your_writes_secs: u64,

    /// Address to listen on (`0.0.0.0:8000` in containers).
    #[arg(long, env = "NEWSWIRE_BIND", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,

    /// Languages served when a request names none, first preferred (comma-separated codes).
    #[arg(long, env = "NEWSWIRE_DEFAULT_LOCALES", default_value = "ko,en", value_parser = parse_locales)]
    pub default_locales: LocaleList,

    /// IANA time zone that times are rendered in unless a field asks for another.
    #[arg(long, env = "NEWSWIRE_TIME_ZONE", default_value = "Asia/Seoul", value_parser = parse_time_zone)]
    pub time_zone: Tz,

    /// Base of canonical URLs and feeds, without a trailing slash.
    #[arg(
        long,
        env = "NEWSWIRE_SITE_URL",
        default_value = "http://localhost:8000"
    )]
    pub site_url: String,

    /// Publisher named in each article's copyright line.
    #[arg(long, env = "NEWSWIRE_PUBLISHER", default_value = "newswire")]
    pub publisher: String,

    /// What to put into an empty database on start.
    #[arg(long, env = "NEWSWIRE_SEED", default_value = "demo")]
    pub seed: SeedMode,

    /// Log format.
    #[arg(long, env = "NEWSWIRE_LOG_FORMAT", default_value = "pretty")]
    pub log_format: LogFormat,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "NEWSWIRE_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Deepest selection nesting a query may have.
    #[arg(long, env = "NEWSWIRE_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,

    /// Highest complexity score a query may have: each field counts 1, and each list
    /// multiplies its selection by the number of items asked for.
    #[arg(long, env = "NEWSWIRE_MAX_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,

    /// Most aliased fields one query may have.
    #[arg(long, env = "NEWSWIRE_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,

    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "NEWSWIRE_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Microseconds a dataloader batch waits for more keys before it runs its query.
    #[arg(long, env = "NEWSWIRE_BATCH_DELAY_MICROS", default_value_t = 1000)]
    pub batch_delay_micros: u64,

    /// Requests per second each client address may make on average (0: no limit).
    #[arg(long, env = "NEWSWIRE_RATE_LIMIT_PER_SECOND", default_value_t = 50)]
    pub rate_limit_per_second: u32,

    /// Requests a client address may make in a burst above its rate.
    #[arg(long, env = "NEWSWIRE_RATE_LIMIT_BURST", default_value_t = 200)]
    pub rate_limit_burst: u32,

    /// Limit clients on loopback too. Off by default: a client on this machine (a test
    /// suite, a benchmark, a local proxy that sends no `X-Forwarded-For`) is not limited.
    #[arg(long, env = "NEWSWIRE_RATE_LIMIT_LOOPBACK", default_value_t = false)]
    pub rate_limit_loopback: bool,

    /// Proxies whose `X-Forwarded-For` is believed (comma-separated addresses or CIDR
    /// ranges). A request from one of them is keyed by the right-most address in that header
    /// that is not itself a trusted proxy: the one the outermost trusted proxy saw, which a
    /// client cannot choose. Requests from anywhere else are keyed by their peer address.
    #[arg(
        long,
        env = "NEWSWIRE_TRUSTED_PROXIES",
        default_value = "127.0.0.0/8,::1",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// Seconds a like ranking (`mostLiked`) is reused before it is counted again (0: never).
    #[arg(long, env = "NEWSWIRE_RANKING_TTL_SECS", default_value_t = 10)]
    pub ranking_ttl_secs: u64,

    /// Seconds the shared copy of the category tree is reused (0: read it for every page).
    /// Category writes on this instance drop it at once; writes elsewhere show within this time.
    #[arg(long, env = "NEWSWIRE_CATEGORY_CACHE_TTL_SECS", default_value_t = 30)]
    pub category_cache_ttl_secs: u64,

    /// Seconds a tag read for a page of articles is kept for the next pages (0: every page
    /// reads its tags whole). An article or tag write, here or elsewhere, makes every kept tag
    /// be read again; this bounds what a lagging replica can leave behind.
    #[arg(long, env = "NEWSWIRE_TAG_CACHE_TTL_SECS", default_value_t = 60)]
    pub tag_cache_ttl_secs: u64,

    /// Milliseconds a response to an anonymous query is reused (0: no response cache).
    /// Every mutation on this instance drops all kept responses at once; writes elsewhere
    /// show within this time.
    #[arg(long, env = "NEWSWIRE_RESPONSE_CACHE_TTL_MS", default_value_t = 2000)]
    pub response_cache_ttl_ms: u64,

    /// Mebibytes of responses (and their keys) the response cache may hold.
    #[arg(long, env = "NEWSWIRE_RESPONSE_CACHE_MIB", default_value_t = 16)]
    pub response_cache_mib: u64,

    /// Most database connections each pool holds open: on PostgreSQL, page reads have a pool
    /// of their own beside the one for every other statement. The default is twice this
    /// machine's cores (at least 4): a database does its best work with about two busy
    /// connections per core, and more only queue inside it.
    #[arg(long, env = "NEWSWIRE_DB_POOL_SIZE", default_value_t = default_pool_size())]
    pub db_pool_size: u32,

    /// How many of the newest matching documents a search ranks before it looks at older
    /// ones (at least 16): a page of hits is the best of this window, and the next pages
    /// go on to windows four times larger, so a search costs what its pages need rather
    /// than what its query matches.
    #[arg(
        long,
        env = "NEWSWIRE_SEARCH_WINDOW",
        default_value_t = 50,
        value_parser = clap::value_parser!(u64).range(16..)
    )]
    pub search_window: u64,

    /// Entries in each Atom or RSS feed, newest first (1 to 100).
    #[arg(
        long,
        env = "NEWSWIRE_FEED_SIZE",
        default_value_t = 50,
        value_parser = clap::value_parser!(u64).range(1..=100)
    )]
    pub feed_size: u64,

    /// Hours the change feed keeps its changes. A partner whose checkpoint is older must
    /// resync from the start (`changes` without `since`).
    #[arg(
        long,
        env = "NEWSWIRE_CHANGES_RETENTION_HOURS",
        default_value_t = 720,
        value_parser = clap::value_parser!(u64).range(1..=87_600)
    )]
    pub changes_retention_hours: u64,

    /// Most seconds a cache (a CDN, a browser) may serve an answer without asking again:
    /// the ceiling of every `max-age`. Below it, a GraphQL answer over GET is kept as long as
    /// its shortest-lived field asks (60 s for articles, 300 for categories and tags, 3600 for
    /// the list of locales), and a feed 60 s.
    #[arg(long, env = "NEWSWIRE_HTTP_MAX_AGE_SECS", default_value_t = 3600)]
    pub http_max_age_secs: u32,

    /// Seconds past `max-age` a shared cache may still serve a public answer while it asks
    /// again in the background (`stale-while-revalidate`; 0 leaves it out).
    #[arg(
        long,
        env = "NEWSWIRE_HTTP_STALE_WHILE_REVALIDATE_SECS",
        default_value_t = 300
    )]
    pub http_stale_while_revalidate_secs: u32,

    /// An `http://` URL that each write's surrogate keys are posted to, as
    /// `{"keys": [...]}`, for a CDN purge relay; unset, the keys are only logged.
    #[arg(long, env = "NEWSWIRE_PURGE_URL")]
    pub purge_url: Option<String>,

    /// What each kind of caller may spend on queries, as `who=points/per_second` for
    /// `anonymous` (per client address), `partner`, `editor` and `admin` (per key): a bucket of
    /// points that refills each second. A query costs its objects by page size, charged
    /// before it runs; one that costs more than is left is refused with `RATE_LIMITED`.
    #[arg(
        long,
        env = "NEWSWIRE_BUDGETS",
        default_value = "anonymous=10000/500,partner=50000/2500,editor=100000/10000,admin=100000/10000",
        value_parser = parse_allowances
    )]
    pub budgets: Allowances,

    /// Redis that keeps the budgets for every instance (`redis://127.0.0.1:6379`); unset,
    /// each instance keeps its own.
    #[arg(long, env = "REDIS_URL", value_parser = parse_redis_url)]
    pub redis_url: Option<String>,

    /// Prefix of this deployment's keys in Redis.
    #[arg(long, env = "NEWSWIRE_REDIS_PREFIX", default_value = "newswire")]
    pub redis_prefix: String,

    /// Origins allowed to call the API from a browser (comma-separated; `*` for any).
    #[arg(
        long,
        env = "NEWSWIRE_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Most subscriptions one WebSocket connection may hold open at once.
    #[arg(long, env = "NEWSWIRE_WS_MAX_SUBSCRIPTIONS", default_value_t = 100)]
    pub ws_max_subscriptions: usize,

    /// Most WebSocket connections one client address may hold open at once.
    #[arg(
        long,
        env = "NEWSWIRE_WS_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    pub ws_max_connections_per_address: usize,

    /// Largest message a client may send over a WebSocket, in bytes.
    #[arg(long, env = "NEWSWIRE_WS_MAX_MESSAGE_BYTES", default_value_t = 64 * 1024)]
    pub ws_max_message_bytes: usize,

    /// Seconds a WebSocket client has to send `connection_init` before it is closed (4408).
    #[arg(long, env = "NEWSWIRE_WS_INIT_TIMEOUT_SECS", default_value_t = 10)]
    pub ws_init_timeout_secs: u64,

    /// Seconds between the server's keep-alive pings; a client that sends nothing, not even
    /// the pong its WebSocket answers a ping with, for three of them is closed.
    #[arg(long, env = "NEWSWIRE_WS_KEEPALIVE_SECS", default_value_t = 15)]
    pub ws_keepalive_secs: u64,

    /// Seconds one message to a WebSocket client may take to go out; a client that reads
    /// slower than that is disconnected, so that it cannot hold the server's memory.
    #[arg(long, env = "NEWSWIRE_WS_SEND_TIMEOUT_SECS", default_value_t = 10)]
    pub ws_send_timeout_secs: u64,
}

/// What to seed into an empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedMode {
    /// The demo newsroom: categories and articles in eight languages.
    Demo,
    /// Nothing.
    None,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A non-empty, duplicate-free preference list of locales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleList(pub Vec<Locale>);

fn parse_locales(value: &str) -> Result<LocaleList, String> {
    let mut locales = Vec::new();
    for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let locale = Locale::from_code(code).ok_or_else(|| {
            format!("unknown locale `{code}`; use ko, ja, en, zh-Hans, zh-Hant, th, id or vi")
        })?;
        if !locales.contains(&locale) {
            locales.push(locale);
        }
    }
    if locales.is_empty() {
        return Err("name at least one locale".into());
    }
    Ok(LocaleList(locales))
}

/// An address or a CIDR range; a lone address is a range of one.
fn parse_network(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{value}` is neither an IP address nor a CIDR range"))
}

fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4)
}

fn parse_allowances(text: &str) -> Result<Allowances, String> {
    text.parse()
}

/// A Redis URL the client accepts, so that a wrong one stops the start rather than leave
/// each instance keeping budgets of its own.
fn parse_redis_url(text: &str) -> Result<String, String> {
    redis::Client::open(text)
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

fn parse_time_zone(value: &str) -> Result<Tz, String> {
    value
        .parse()
        .map_err(|_| format!("unknown IANA time zone `{value}`"))
}

impl Config {
    /// The configuration with every default, pointed at `database_url`; tests start from it.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        use clap::Parser;

        /// Parses nothing but the defaults.
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            config: Config,
        }
        let mut config = Defaults::parse_from(["newswire"]).config;
        config.database_url = database_url.into();
        config
    }

    /// Whether `database_url` names a SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}
