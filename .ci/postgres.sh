# Sourced by .ci/run: a throwaway PostgreSQL server for the sample service's suite,
# which then runs every test on SQLite and again on this server.
# Sets TEST_DATABASE_URL when the server is up. When it cannot start, it says why;
# the suite then fails under CI=true and skips the PostgreSQL half elsewhere.
# The server listens on a port the OS picked as free, and its folder is always removed.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci: installing PostgreSQL for the sample service's PostgreSQL tests"
    timeout 300 sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null' \
        || echo "ci: could not install PostgreSQL" >&2
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi

ci_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ci_pg_as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

ci_pg_stop() {
    ci_pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1
    rm -rf "$pg_dir"
}

if [ -z "$pg_bin" ]; then
    echo "ci: no PostgreSQL server here; the PostgreSQL half of the service suite cannot run" >&2
elif [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "ci: running as root without a postgres user to run the server as" >&2
else
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/ownership-ci-pg.XXXXXX")
    trap ci_pg_stop EXIT
    [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
    ci_pg_as_owner "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >"$pg_dir/initdb.log" 2>&1
    pg_started=
    # Another process may take the free port between the probe and the bind: try a few.
    for _ in 1 2 3; do
        pg_port=$(ci_pg_free_port)
        if ci_pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off" start >/dev/null 2>&1; then
            pg_started=yes
            break
        fi
    done
    if [ -n "$pg_started" ] && ci_pg_as_owner "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres scratch; then
        export TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$pg_port/scratch"
        echo "ci: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port for the service suite"
    else
        echo "ci: PostgreSQL did not start; its logs:" >&2
        cat "$pg_dir/initdb.log" "$pg_dir/log" >&2 2>/dev/null
        ci_pg_stop
        trap - EXIT
    fi
fi
