# Sourced by .ci/run: a throwaway PostgreSQL server for the sample service's PostgreSQL tests.
# Sets TEST_DATABASE_URL when a server is up; otherwise says why, and those tests skip.
# Best effort by design: the default suite runs on SQLite and needs none of this.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci: installing PostgreSQL for the sample service's PostgreSQL tests"
    timeout 300 sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null' \
        || echo "ci: could not install PostgreSQL"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi

if [ -n "$pg_bin" ] && id postgres >/dev/null 2>&1; then
    pg_dir=$(mktemp -d /tmp/ownership-ci-pg.XXXXXX)
    chown postgres "$pg_dir"
    pg_port=55432
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    if as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null \
        && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" start >/dev/null \
        && as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres scratch; then
        export TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$pg_port/scratch"
        echo "ci: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port for the PostgreSQL tests"
        trap 'as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
    else
        echo "ci: PostgreSQL did not start (see $pg_dir/log); its tests will skip"
    fi
else
    echo "ci: no PostgreSQL server here; its tests will skip"
fi
