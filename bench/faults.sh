#!/usr/bin/env bash
# The database outage drill: under steady load of reads and likes, a PostgreSQL cluster of the
# drill's own is stopped for OUTAGE seconds and started again, with a newswire process on it
# and a subscriber connected. It checks what tests/api/faults.rs states: requests fail fast
# with SERVICE_UNAVAILABLE while the database is away (none waits for the request timeout),
# /readyz fails then recovers, every request succeeds again within two seconds of the
# database's return, the subscriber stays connected and hears the next like, no like is lost
# or counted twice (the count against the like rows), and no panic is logged.
#
#   bench/faults.sh            # the long form: a 10 s outage under 16 clients
#   OUTAGE=3 CLIENTS=4 bench/faults.sh   # the short form, as CI runs it with the tests
#
# The shared PostgreSQL on 5432 is never stopped: the cluster is made with Debian's
# PostgreSQL tools on a free port and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

export NEWSWIRE_FAULT_OUTAGE_SECS="${OUTAGE:-10}"
export NEWSWIRE_FAULT_CLIENTS="${CLIENTS:-16}"
# The test runs with the PostgreSQL tests (TEST_DATABASE_URL names the shared server, which
# the drill only uses to build; its own cluster is the one stopped).
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
cargo test --test api faults::a_database_outage_under_load_is_survived -- --exact --nocapture
