#!/usr/bin/env bash
# Entrypoint of the suite's FerretDB image standing in for mongo. It implements the environment
# contract the official mongo image documents, for what FerretDB can do:
#
#   MONGO_INITDB_ROOT_USERNAME + MONGO_INITDB_ROOT_PASSWORD   both or neither; both make the root
#       user (FerretDB's experimental new authentication: --setup-* at start) and add --auth
#   MONGO_INITDB_DATABASE (default test)   <VAR>_FILE reads <VAR> from a file
#   /docker-entrypoint-initdb.d/*.js (mongosh) and *.sh run once, on an empty data directory,
#       against a server listening on 127.0.0.1 only
#
# As in the official image, it acts only when the command is mongod; a pod's `command:` replaces
# the entrypoint altogether, and then none of this runs (the mongod wrapper says what it ignores).
set -Eeo pipefail
shopt -s nullglob

fail() {
	printf >&2 '%s\n' "$@"
	exit 1
}

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

# The data directory the mongod command line names (the wrapper reads the configuration file itself).
data_directory() {
	local previous= arg
	for arg; do
		case $arg in --dbpath=*) echo "${arg#--dbpath=}"; return ;; esac
		if [ "$previous" = --dbpath ]; then
			echo "$arg"
			return
		fi
		previous=$arg
	done
	echo /data/db
}

has_data() {
	local dir=$1
	compgen -G "$dir/*.sqlite" >/dev/null
}

run_init_files() {
	local shell=(mongosh --host 127.0.0.1 --port 27017 --quiet)
	if [ -n "$MONGO_INITDB_ROOT_USERNAME" ]; then
		shell+=(--username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin)
	fi
	local attempt
	for attempt in $(seq 1 60); do
		if "${shell[@]}" --eval 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 2)' >/dev/null 2>&1; then
			break
		fi
		kill -0 "$SETUP_SERVER_PID" 2>/dev/null || fail "error: the setup server stopped before it accepted connections"
		[ "$attempt" -lt 60 ] || fail "error: the setup server did not accept connections within 30 seconds"
		sleep 0.5
	done
	export MONGO_INITDB_DATABASE="${MONGO_INITDB_DATABASE:-test}"
	local file
	for file in /docker-entrypoint-initdb.d/*; do
		case $file in
		*.sh)
			echo "$0: running $file"
			# shellcheck disable=SC1090
			. "$file"
			;;
		*.js)
			echo "$0: running $file"
			"${shell[@]}" "$MONGO_INITDB_DATABASE" "$file"
			;;
		*) echo "$0: ignoring $file" ;;
		esac
	done
}

main() {
	if [ "${1:0:1}" = - ]; then
		set -- mongod "$@"
	fi
	if [ "$1" = mongod ]; then
		value_or_file MONGO_INITDB_ROOT_USERNAME
		value_or_file MONGO_INITDB_ROOT_PASSWORD
		if [ -n "$MONGO_INITDB_ROOT_USERNAME" ] && [ -n "$MONGO_INITDB_ROOT_PASSWORD" ]; then
			# FerretDB reads these from the environment: the password is never on a command line.
			export FERRETDB_TEST_ENABLE_NEW_AUTH=true FERRETDB_SETUP_DATABASE=admin
			export FERRETDB_SETUP_USERNAME="$MONGO_INITDB_ROOT_USERNAME" FERRETDB_SETUP_PASSWORD="$MONGO_INITDB_ROOT_PASSWORD"
			case " $* " in *' --auth '*) ;; *) set -- "$@" --auth ;; esac
		elif [ -n "$MONGO_INITDB_ROOT_USERNAME" ] || [ -n "$MONGO_INITDB_ROOT_PASSWORD" ]; then
			fail "error: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'" \
				"       both must be specified for a user to be created"
		fi
		local dbpath
		dbpath=$(data_directory "$@")
		if [ "$(id -u)" = 0 ]; then
			mkdir -p "$dbpath"
			find "$dbpath" \! -user mongodb -exec chown mongodb: '{}' +
			exec gosu mongodb "${BASH_SOURCE[0]}" "$@"
		fi
		local init_files=(/docker-entrypoint-initdb.d/*)
		if ! has_data "$dbpath" && [ ${#init_files[@]} -gt 0 ]; then
			echo "$0: running /docker-entrypoint-initdb.d against a setup server on 127.0.0.1"
			/usr/local/bin/ferretdb --handler=sqlite --sqlite-url="file:$dbpath/" --state-dir="$dbpath" \
				--listen-addr=127.0.0.1:27017 --telemetry=disable --debug-addr=- --log-level=warn &
			SETUP_SERVER_PID=$!
			run_init_files
			kill "$SETUP_SERVER_PID"
			wait "$SETUP_SERVER_PID" || true
			printf '\nMongoDB-contract init process complete; ready for start up.\n\n'
		fi
	fi
	# The official entrypoint adds --bind_ip_all when neither the command line nor the configuration
	# file names a bind address; the wrapper, which reads the file, applies this default.
	[ "$1" != mongod ] || export STS_MONGOD_BIND_IP_ALL_BY_DEFAULT=1
	unset MONGO_INITDB_ROOT_PASSWORD
	exec "$@"
}

main "$@"
