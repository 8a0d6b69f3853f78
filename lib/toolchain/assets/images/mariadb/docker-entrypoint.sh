#!/usr/bin/env bash
# Entrypoint of the suite's MariaDB image standing in for mysql. It implements the environment
# contract the official mysql image documents, with MariaDB's commands:
#
#   MYSQL_ROOT_PASSWORD | MYSQL_ALLOW_EMPTY_PASSWORD | MYSQL_RANDOM_ROOT_PASSWORD  one is required on an empty datadir
#   MYSQL_ROOT_HOST (default %)   MYSQL_DATABASE   MYSQL_USER + MYSQL_PASSWORD   MYSQL_ONETIME_PASSWORD
#   MYSQL_INITDB_SKIP_TZINFO      <VAR>_FILE reads <VAR> from a file (Docker and Kubernetes secrets)
#   /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz, *.sql.xz run once, in name order, on a new datadir
#
# Setup runs only when the command is the server (mysqld or mariadbd, or options alone); any other
# command runs as given. As in the mysql image, root@localhost gets the root password and no
# socket authentication, so `mysql -h localhost -e "SELECT 1"` without a password is refused.
set -Eeo pipefail
shopt -s nullglob

log() {
	local level=$1
	shift
	local text="$*"
	[ $# -gt 0 ] || text="$(cat)"
	printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$level" "$text"
}
note() { log Note "$@"; }
warn() { log Warn "$@" >&2; }
fail() {
	log ERROR "$@" >&2
	exit 1
}

# VAR from VAR or from the file VAR_FILE names, never both.
value_or_file() {
	local name=$1 default=${2:-} file_name="${1}_FILE"
	if [ -n "${!name:-}" ] && [ -n "${!file_name:-}" ]; then
		fail "Both $name and $file_name are set (but are exclusive)"
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

# A value inside a single-quoted SQL string.
sql_quote() {
	local text=${1//\\/\\\\}
	printf '%s' "${text//\'/\\\'}"
}

# The server's effective setting, defaults included (my_print_defaults would show only files).
server_setting() {
	local name=$1
	shift
	"$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>/dev/null |
		awk -v name="$name" '$1 == name && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

check_server_config() {
	local output
	if ! output=$("$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>&1 >/dev/null); then
		fail $'mysqld failed while attempting to check config\n\tcommand was: '"$* --verbose --help"$'\n\t'"$output"
	fi
}

wants_no_server() {
	local arg
	for arg; do
		case $arg in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac
	done
	return 1
}

read_settings() {
	DATADIR=$(server_setting datadir "$@")
	SOCKET=$(server_setting socket "$@")
	DATADIR=${DATADIR%/}
	value_or_file MYSQL_ROOT_HOST '%'
	value_or_file MYSQL_DATABASE
	value_or_file MYSQL_USER
	value_or_file MYSQL_PASSWORD
	value_or_file MYSQL_ROOT_PASSWORD
	DATADIR_IS_NEW=true
	[ ! -d "$DATADIR/mysql" ] || DATADIR_IS_NEW=
}

make_directories() {
	mkdir -p "$DATADIR" "$(dirname "$SOCKET")"
	if [ "$(id -u)" = 0 ]; then
		find "$DATADIR" "$(dirname "$SOCKET")" \! -user mysql -exec chown --no-dereference mysql: '{}' +
	fi
}

require_password_choice() {
	if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ] && [ -z "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
		fail <<-'EOF'
			Database is uninitialized and password option is not specified
			    You need to specify one of the following as an environment variable:
			    - MYSQL_ROOT_PASSWORD
			    - MYSQL_ALLOW_EMPTY_PASSWORD
			    - MYSQL_RANDOM_ROOT_PASSWORD
		EOF
	fi
	if [ "$MYSQL_USER" = root ]; then
		fail <<-'EOF'
			MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user
			    Remove MYSQL_USER="root" and use one of the following to control the root user password:
			    - MYSQL_ROOT_PASSWORD
			    - MYSQL_ALLOW_EMPTY_PASSWORD
			    - MYSQL_RANDOM_ROOT_PASSWORD
		EOF
	fi
	if [ -n "$MYSQL_USER" ] && [ -z "$MYSQL_PASSWORD" ]; then
		warn 'MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created'
	elif [ -z "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
		warn 'MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored'
	fi
}

# The client's password travels in an anonymous file descriptor, never on a command line.
client_options() {
	printf '[client]\n'
	if [ "${1:-}" != --without-root-password ] && [ -n "$MYSQL_ROOT_PASSWORD" ]; then
		printf 'password="%s"\n' "$MYSQL_ROOT_PASSWORD"
	fi
}

# SQL from stdin as root over the socket; --without-root-password before the root password is set.
run_sql() {
	local credentials=()
	if [ "${1:-}" = --without-root-password ]; then
		credentials=(--without-root-password)
		shift
	fi
	[ -z "$MYSQL_DATABASE" ] || set -- --database="$MYSQL_DATABASE" "$@"
	mariadb --defaults-extra-file=<(client_options "${credentials[@]}") --protocol=socket -uroot -hlocalhost \
		--socket="$SOCKET" --comments "$@"
}

initialise_datadir() {
	note 'Initializing database files'
	# Unix-socket authentication for root would let `mysql -h localhost` in without a password, which mysql does not.
	mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db \
		--default-time-zone=SYSTEM --skip-log-bin --rpm "${@:2}"
	note 'Database files initialized'
}

# A server without TCP for the setup: nothing outside can connect before init is done.
start_setup_server() {
	"$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep-on=OFF &
	SETUP_SERVER_PID=$!
	local attempt
	for attempt in $(seq 1 60); do
		if mariadb-admin --defaults-extra-file=<(client_options --without-root-password) -uroot \
			--socket="$SOCKET" ping >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$SETUP_SERVER_PID" 2>/dev/null || fail 'Unable to start server.'
		sleep 0.5
	done
	fail 'Unable to start server: it did not accept connections on its socket within 30 seconds.'
}

stop_setup_server() {
	if ! mariadb-admin --defaults-extra-file=<(client_options) -uroot --socket="$SOCKET" shutdown; then
		fail 'Unable to shut down server.'
	fi
	wait "$SETUP_SERVER_PID" || true
}

set_up_accounts() {
	if [ -z "${MYSQL_INITDB_SKIP_TZINFO:-}" ]; then
		mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null |
			run_sql --without-root-password --database=mysql
	fi
	if [ -n "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
		MYSQL_ROOT_PASSWORD=$(pwgen -1 -s 32)
		export MYSQL_ROOT_PASSWORD
		note "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
	fi
	local password remote_root=
	password=$(sql_quote "$MYSQL_ROOT_PASSWORD")
	if [ -n "$MYSQL_ROOT_HOST" ] && [ "$MYSQL_ROOT_HOST" != localhost ]; then
		remote_root="CREATE USER 'root'@'$(sql_quote "$MYSQL_ROOT_HOST")' IDENTIFIED BY '$password';
GRANT ALL ON *.* TO 'root'@'$(sql_quote "$MYSQL_ROOT_HOST")' WITH GRANT OPTION;"
	fi
	# mariadb-install-db also makes root@127.0.0.1, root@::1 and root@<hostname>; mysql has only root@localhost.
	local other_roots
	other_roots=$(run_sql --without-root-password --database=mysql --skip-column-names <<<"SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User = 'root' AND Host <> 'localhost';" | paste -sd, -)
	run_sql --without-root-password --database=mysql <<-EOSQL
		SET @@SESSION.SQL_LOG_BIN=0;
		${other_roots:+DROP USER $other_roots;}
		ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';
		GRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION;
		FLUSH PRIVILEGES;
		$remote_root
		DROP DATABASE IF EXISTS test;
	EOSQL

	if [ -n "$MYSQL_DATABASE" ]; then
		note "Creating database ${MYSQL_DATABASE}"
		run_sql --database=mysql <<<"CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
	fi
	if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
		note "Creating user ${MYSQL_USER}"
		run_sql --database=mysql <<<"CREATE USER '$(sql_quote "$MYSQL_USER")'@'%' IDENTIFIED BY '$(sql_quote "$MYSQL_PASSWORD")';"
		if [ -n "$MYSQL_DATABASE" ]; then
			note "Giving user ${MYSQL_USER} access to schema ${MYSQL_DATABASE}"
			run_sql --database=mysql <<<"GRANT ALL ON \`${MYSQL_DATABASE//_/\\_}\`.* TO '$(sql_quote "$MYSQL_USER")'@'%';"
		fi
	fi
}

run_init_files() {
	local file
	for file in /docker-entrypoint-initdb.d/*; do
		case $file in
		*.sh)
			if [ -x "$file" ]; then
				note "$0: running $file"
				"$file"
			else
				note "$0: sourcing $file"
				# shellcheck disable=SC1090
				. "$file"
			fi
			;;
		*.sql)
			note "$0: running $file"
			run_sql <"$file"
			;;
		*.sql.gz)
			note "$0: running $file"
			gunzip -c "$file" | run_sql
			;;
		*.sql.xz)
			note "$0: running $file"
			xzcat "$file" | run_sql
			;;
		*) warn "$0: ignoring $file" ;;
		esac
	done
}

expire_root_password() {
	if [ -n "${MYSQL_ONETIME_PASSWORD:-}" ]; then
		run_sql --database=mysql <<<"ALTER USER 'root'@'%' PASSWORD EXPIRE;"
	fi
}

main() {
	if [ "${1:0:1}" = - ]; then
		set -- mysqld "$@"
	fi
	if { [ "$1" = mysqld ] || [ "$1" = mariadbd ]; } && ! wants_no_server "$@"; then
		note "Entrypoint script for MariaDB Server $(mariadbd --version | awk '{print $3}') (standing in for MySQL) started."
		check_server_config "$@"
		read_settings "$@"
		make_directories
		if [ "$(id -u)" = 0 ]; then
			note "Switching to dedicated user 'mysql'"
			exec gosu mysql "${BASH_SOURCE[0]}" "$@"
		fi
		if [ -n "$DATADIR_IS_NEW" ]; then
			require_password_choice
			# Fail now rather than half-way through init if the init directory is unreadable.
			ls /docker-entrypoint-initdb.d/ >/dev/null
			initialise_datadir "$@"
			note 'Starting temporary server'
			start_setup_server "$@"
			note 'Temporary server started.'
			set_up_accounts
			run_init_files
			expire_root_password
			note 'Stopping temporary server'
			stop_setup_server
			note 'Temporary server stopped'
			echo
			note 'MariaDB init process done. Ready for start up.'
			echo
		fi
	fi
	exec "$@"
}

main "$@"
