# backup-tool: MariaDB's client and dump tools beside the PostgreSQL 15 client tools of the layer below.
install_packages "mariadb-client=${MARIADB_DEBIAN_VERSION}"
mariadb-dump --version
pg_dump --version
