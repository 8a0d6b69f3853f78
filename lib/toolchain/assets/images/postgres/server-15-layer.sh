# PostgreSQL 15 from Debian, laid out as the official postgres:15 image expects: no cluster made
# by the package (the entrypoint initialises PGDATA) and a sample configuration that listens on
# every address.
install_packages postgresql-common
conf=/etc/postgresql-common/createcluster.conf
grep -q '^#create_main_cluster' "$conf"
sed -i 's/^#create_main_cluster.*/create_main_cluster = false/' "$conf"

install_packages "postgresql-15=${PG15_DEBIAN_VERSION}"

sample=/usr/share/postgresql/15/postgresql.conf.sample
grep -q '^#listen_addresses' "$sample"
sed -i "s/^#listen_addresses = [^#]*/listen_addresses = '*'  /" "$sample"
grep -q "^listen_addresses = '\*'" "$sample"
/usr/lib/postgresql/15/bin/postgres --version
