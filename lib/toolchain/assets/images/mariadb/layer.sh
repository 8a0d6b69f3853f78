# MariaDB from Debian, standing in for MySQL, installed the way the official mysql image lays
# out its files. $MARIADB_DEBIAN_VERSION pins the server, backup tool and client to one version.

# The server user first, with the uid/gid the mysql image uses (999), or Debian's postinst picks one.
groupadd --system --gid 999 mysql
useradd --system --uid 999 --gid 999 --home-dir /var/lib/mysql --no-create-home mysql

install_packages \
	"mariadb-server=${MARIADB_DEBIAN_VERSION}" \
	"mariadb-backup=${MARIADB_DEBIAN_VERSION}" \
	ncat pwgen

# The names xtrabackup-based scripts (the kubernetes.io replicated MySQL tutorial) call.
ln -s mariadb-backup /usr/bin/xtrabackup
ln -s mbstream /usr/bin/xbstream

# Debian binds the server to 127.0.0.1; the mysql image listens on every address.
grep -q '^bind-address' /etc/mysql/mariadb.conf.d/50-server.cnf
sed -i '/^bind-address/d' /etc/mysql/mariadb.conf.d/50-server.cnf

# The mysql image reads /etc/mysql/conf.d last, so a ConfigMap mounted there has the final word;
# Debian's mariadb.cnf reads it before mariadb.conf.d. Swap the two includes.
grep -qx '!includedir /etc/mysql/conf.d/' /etc/mysql/mariadb.cnf
grep -qx '!includedir /etc/mysql/mariadb.conf.d/' /etc/mysql/mariadb.cnf
sed -i -e '\#^!includedir /etc/mysql/conf.d/$#d' /etc/mysql/mariadb.cnf
echo '!includedir /etc/mysql/conf.d/' >> /etc/mysql/mariadb.cnf

# No data directory from the package: the entrypoint initialises one per the env contract.
rm -rf /var/lib/mysql
mkdir -p /var/lib/mysql /run/mysqld /docker-entrypoint-initdb.d /etc/mysql/conf.d
chown mysql:mysql /var/lib/mysql /run/mysqld
# Writable whatever uid the server ends up with (as in the mysql image).
chmod 1777 /var/lib/mysql /run/mysqld

test "$(id -u mysql):$(id -g mysql)" = 999:999
mariadbd --version
