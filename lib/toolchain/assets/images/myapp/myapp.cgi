#!/bin/sh
# myapp: the guides' placeholder application, as a CGI script under BusyBox httpd on port 8080.
#
#   GET /                         "myapp <version> on <hostname>" and the DB_* settings it was given
#   GET /cgi-bin/myapp/version    the version alone
#   GET /cgi-bin/myapp/healthz    "ok"
#   POST /cgi-bin/myapp/data/KEY  stores the request body in /data/KEY (the StatefulSet's volume;
#                                 BusyBox httpd hands a CGI no PUT body, so writes are POSTs)
#   GET /cgi-bin/myapp/data/KEY   returns it, or 404
VERSION=$(cat /etc/myapp-version)
HOST=$(hostname)

reply() {
	status=$1
	shift
	printf 'Status: %s\r\nContent-Type: text/plain\r\nX-Myapp-Version: %s\r\nX-Myapp-Host: %s\r\n\r\n' "$status" "$VERSION" "$HOST"
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

path=${PATH_INFO:-/}
case "$REQUEST_METHOD $path" in
"GET /" | "GET ")
	reply '200 OK' "myapp $VERSION on $HOST"
	env | grep '^DB_' | sort
	;;
"GET /version") reply '200 OK' "$VERSION" ;;
"GET /healthz") reply '200 OK' ok ;;
"PUT /data/"*) reply '405 Method Not Allowed' 'store with POST' ;;
"GET /data/"* | "POST /data/"*)
	key=${path#/data/}
	case $key in
	'' | *[!A-Za-z0-9._-]* | .*) reply '400 Bad Request' "a key is letters, digits, dot, dash and underscore, not starting with a dot" ;;
	*)
		if [ "$REQUEST_METHOD" = GET ]; then
			if [ -f "/data/$key" ]; then
				reply '200 OK'
				cat "/data/$key"
			else
				reply '404 Not Found' "no /data/$key"
			fi
		else
			# Written aside and renamed: a reader never sees half a value.
			if head -c "${CONTENT_LENGTH:-0}" >"/data/.$key.tmp" && mv "/data/.$key.tmp" "/data/$key"; then
				sync
				reply '200 OK' "stored /data/$key"
			else
				reply '500 Internal Server Error' "cannot write /data/$key"
			fi
		fi
		;;
	esac
	;;
*) reply '404 Not Found' "no route for $REQUEST_METHOD $path" ;;
esac
