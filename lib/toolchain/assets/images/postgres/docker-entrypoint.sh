#!/usr/bin/env bash
# Entrypoint of the suite's PostgreSQL images. It implements the environment contract the official
# postgres image documents:
#
#   POSTGRES_PASSWORD      required on an empty PGDATA, unless POSTGRES_HOST_AUTH_METHOD=trust
#   POSTGRES_USER (default postgres)   POSTGRES_DB (default: the user)   PGDATA
#   POSTGRES_INITDB_ARGS   POSTGRES_INITDB_WALDIR   POSTGRES_HOST_AUTH_METHOD (default: password_encryption)
#   <VAR>_FILE reads <VAR> from a file (Docker and Kubernetes secrets)
#   /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz, *.sql.xz run once, in name order, on a new PGDATA
#
# Setup runs only when the command is the server (postgres, or options alone). Initialisation runs
# a server on the socket only, so no TCP client sees a half-made database, then the real one.
set -Eeo pipefail
shopt -s nullglob

fail() {
	printf >&2 '%s\n' "$@"
	exit 1
}

# VAR from VAR or from the file VAR_FILE names, never both.
value_or_file() {
	local name=$1 default=${2:-} file_name="${1}_FILE"
	if [ -n "${!name:-}" ] && [ -n "${!file_name:-}" ]; then
		fail "error: both $name and $file_name are set (but are exclusive)"
	fi
	local value=$default
	if [ -n "${!name:-}" ]; then
		value=${!name}
	elif [ -n "${!file_name:-}" ]; then
		value=$(<"${!file_name}")
	fi
	export "$name=$value"
	unset "$file_name"
}

read_settings() {
	value_or_file POSTGRES_PASSWORD
	value_or_file POSTGRES_USER postgres
	value_or_file POSTGRES_DB "$POSTGRES_USER"
	value_or_file POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	PGDATA_IS_NEW=true
	[ ! -s "$PGDATA/PG_VERSION" ] || PGDATA_IS_NEW=
}

make_directories() {
	mkdir -p "$PGDATA"
	# PostgreSQL refuses a data directory others can read; a mount may not let us change it.
	chmod 0700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 3775 /var/run/postgresql || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		[ "$(id -u)" != 0 ] || find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		chmod 0700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [ "$(id -u)" = 0 ]; then
		find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

require_password_choice() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		fail 'Error: Database is uninitialized and superuser password is not specified.' \
			'       You must specify POSTGRES_PASSWORD to a non-empty value for the' \
			'       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".' \
			'' \
			'       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all' \
			'       connections without a password. This is *not* recommended.'
	fi
	if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
		printf >&2 '%s\n' \
			'WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust": anyone who can reach the' \
			'         server can connect as any user without a password, POSTGRES_PASSWORD or not.'
	fi
}

# initdb wants the running uid in /etc/passwd; for an arbitrary --user, nss_wrapper makes one up.
with_passwd_entry() {
	if getent passwd "$(id -u)" >/dev/null 2>&1; then
		"$@"
		return
	fi
	local wrapper
	for wrapper in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
		[ -s "$wrapper" ] || continue
		NSS_WRAPPER_PASSWD=$(mktemp)
		NSS_WRAPPER_GROUP=$(mktemp)
		printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$PGDATA" >"$NSS_WRAPPER_PASSWD"
		printf 'postgres:x:%s:\n' "$(id -g)" >"$NSS_WRAPPER_GROUP"
		LD_PRELOAD=$wrapper NSS_WRAPPER_PASSWD=$NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP=$NSS_WRAPPER_GROUP "$@"
		rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
		return
	done
	"$@"
}

initialise_pgdata() {
	local extra=()
	[ -z "${POSTGRES_INITDB_WALDIR:-}" ] || extra+=(--waldir "$POSTGRES_INITDB_WALDIR")
	# POSTGRES_INITDB_ARGS is shell words: quoted values stay one argument.
	eval "local user_args=($POSTGRES_INITDB_ARGS)"
	# The password goes through a file descriptor; initdb refuses an empty file, hence the newline.
	with_passwd_entry initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
		"${extra[@]}" "${user_args[@]}"
}

# Remote connections: the method asked for, else the one matching password_encryption (scram-sha-256).
allow_host_connections() {
	[ "$1" != postgres ] || shift
	local method=$POSTGRES_HOST_AUTH_METHOD
	[ -n "$method" ] || method=$(postgres -C password_encryption "$@")
	{
		echo
		[ "$method" != trust ] || echo '# trust: every host connects as any user without a password'
		echo "host all all all $method"
	} >>"$PGDATA/pg_hba.conf"
}

start_setup_server() {
	[ "$1" != postgres ] || shift
	local options
	options=$(printf '%q ' "$@" -c "listen_addresses=" -p "${PGPORT:-5432}")
	NOTIFY_SOCKET= PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$options" -w start
}

stop_setup_server() {
	PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

run_sql() {
	local client=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	[ -z "$POSTGRES_DB" ] || client+=(--dbname "$POSTGRES_DB")
	PGHOST= PGHOSTADDR= "${client[@]}" "$@"
}

create_database() {
	local exists
	exists=$(POSTGRES_DB= run_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only \
		<<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
	if [ -z "$exists" ]; then
		POSTGRES_DB= run_sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
	fi
}

run_init_files() {
	local file
	for file in /docker-entrypoint-initdb.d/*; do
		case $file in
		*.sh)
			if [ -x "$file" ]; then
				echo "$0: running $file"
				"$file"
			else
				echo "$0: sourcing $file"
				# shellcheck disable=SC1090
				. "$file"
			fi
			;;
		*.sql)
			echo "$0: running $file"
			run_sql -f "$file"
			;;
		*.sql.gz)
			echo "$0: running $file"
			gunzip -c "$file" | run_sql
			;;
		*.sql.xz)
			echo "$0: running $file"
			xzcat "$file" | run_sql
			;;
		*) echo "$0: ignoring $file" ;;
		esac
	done
}

wants_no_server() {
	local arg
	for arg; do
		case $arg in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
	done
	return 1
}

main() {
	if [ "${1:0:1}" = - ]; then
		set -- postgres "$@"
	fi
	if [ "$1" = postgres ] && ! wants_no_server "$@"; then
		read_settings
		make_directories
		if [ "$(id -u)" = 0 ]; then
			exec gosu postgres "${BASH_SOURCE[0]}" "$@"
		fi
		if [ -n "$PGDATA_IS_NEW" ]; then
			require_password_choice
			# Fail now rather than half-way through init if the init directory is unreadable.
			ls /docker-entrypoint-initdb.d/ >/dev/null
			initialise_pgdata
			allow_host_connections "$@"
			# For local connections that POSTGRES_INITDB_ARGS made password-only (--auth-local=...).
			export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
			start_setup_server "$@"
			create_database
			run_init_files
			stop_setup_server
			unset PGPASSWORD
			printf '\nPostgreSQL init process complete; ready for start up.\n\n'
		else
			printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
		fi
	fi
	exec "$@"
}

main "$@"
