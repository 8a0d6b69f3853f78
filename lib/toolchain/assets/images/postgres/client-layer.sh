# What every PostgreSQL guide image shares: the postgres user with the official image's uid/gid
# (999, created before any package could pick one), Debian's PostgreSQL 15 client tools (psql,
# pg_isready, pg_basebackup, pg_dump), the en_US.UTF-8 locale the official image defaults to,
# and nss_wrapper for running as a uid without a passwd entry.
groupadd --system --gid 999 postgres
useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres
mkdir -p /var/lib/postgresql
chown postgres:postgres /var/lib/postgresql

install_packages "postgresql-client-15=${PG_CLIENT_DEBIAN_VERSION}" locales libnss-wrapper
localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8

mkdir -p /var/run/postgresql /docker-entrypoint-initdb.d
chown postgres:postgres /var/run/postgresql
# Writable by whatever uid the server ends up with, as in the official image.
chmod 3777 /var/run/postgresql

test "$(id -u postgres):$(id -g postgres)" = 999:999
psql --version
