#!/usr/bin/env bash
# backup-tool: the guides' placeholder backup image, made real. It dumps one database server
# into /backup, or restores the newest dump (or a named one) into a server:
#
#   backup-tool [backup]          dump BACKUP_HOST into $BACKUP_DIR/<kind>-<host>-<UTC time>.sql.gz
#   backup-tool restore [FILE]    load FILE (default: the newest dump of BACKUP_KIND) into BACKUP_HOST
#
#   BACKUP_KIND       mysql (mariadb-dump; MySQL and MariaDB servers) or postgres (pg_dump); default mysql
#   BACKUP_HOST       the server, e.g. mysql-0.mysql (required)
#   BACKUP_PORT       default 3306 or 5432
#   BACKUP_USER       default root or postgres
#   BACKUP_PASSWORD   or BACKUP_PASSWORD_FILE (a mounted secret); passed in MYSQL_PWD/PGPASSWORD, never as an argument
#   BACKUP_DATABASES  space-separated; default: every non-system database (mysql), postgres (postgres)
#   BACKUP_DIR        default /backup
set -Eeuo pipefail

fail() {
	printf >&2 'backup-tool: %s\n' "$@"
	exit 2
}

if [ -n "${BACKUP_PASSWORD_FILE:-}" ]; then
	[ -z "${BACKUP_PASSWORD:-}" ] || fail 'both BACKUP_PASSWORD and BACKUP_PASSWORD_FILE are set (but are exclusive)'
	BACKUP_PASSWORD=$(<"$BACKUP_PASSWORD_FILE")
fi
kind=${BACKUP_KIND:-mysql}
host=${BACKUP_HOST:-}
dir=${BACKUP_DIR:-/backup}
[ -n "$host" ] || fail 'BACKUP_HOST is not set: name the database server to back up (e.g. BACKUP_HOST=mysql-0.mysql)'
case $kind in
mysql)
	port=${BACKUP_PORT:-3306}
	user=${BACKUP_USER:-root}
	export MYSQL_PWD=${BACKUP_PASSWORD:-}
	client=(mariadb --protocol=TCP -h "$host" -P "$port" -u "$user")
	;;
postgres)
	port=${BACKUP_PORT:-5432}
	user=${BACKUP_USER:-postgres}
	export PGPASSWORD=${BACKUP_PASSWORD:-}
	;;
*) fail "BACKUP_KIND=$kind is unknown: use mysql or postgres" ;;
esac
unset BACKUP_PASSWORD

backup() {
	mkdir -p "$dir"
	local file
	file="$dir/$kind-${host%%.*}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
	if [ "$kind" = mysql ]; then
		local databases=${BACKUP_DATABASES:-}
		if [ -z "$databases" ]; then
			databases=$("${client[@]}" --batch --skip-column-names -e 'SHOW DATABASES' |
				grep -vxE 'information_schema|performance_schema|mysql|sys' | tr '\n' ' ')
		fi
		[ -n "${databases// /}" ] || fail "$host has no database to back up besides the system ones"
		# shellcheck disable=SC2086
		mariadb-dump --protocol=TCP -h "$host" -P "$port" -u "$user" --single-transaction --routines --events \
			--databases $databases | gzip >"$file.partial"
	else
		local database=${BACKUP_DATABASES:-postgres}
		[ "${database// /}" = "$database" ] || fail 'BACKUP_DATABASES names one database for postgres'
		pg_dump -h "$host" -p "$port" -U "$user" --clean --if-exists --no-owner -d "$database" | gzip >"$file.partial"
	fi
	mv "$file.partial" "$file"
	sync
	echo "backup-tool: wrote $file ($(stat -c %s "$file") bytes) from $kind $host:$port"
}

restore() {
	local file=${1:-}
	if [ -z "$file" ]; then
		file=$(ls -1 "$dir"/"$kind"-*.sql.gz 2>/dev/null | sort | tail -n 1)
		[ -n "$file" ] || fail "no $kind dump in $dir to restore"
	fi
	[ -f "$file" ] || fail "no dump $file"
	if [ "$kind" = mysql ]; then
		gunzip -c "$file" | "${client[@]}"
	else
		gunzip -c "$file" | psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d "${BACKUP_DATABASES:-postgres}"
	fi
	echo "backup-tool: restored $file into $kind $host:$port"
}

case ${1:-backup} in
backup) backup ;;
restore) restore "${2:-}" ;;
*) fail "unknown command ${1}: use backup or restore [FILE]" ;;
esac
