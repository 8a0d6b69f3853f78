#!/bin/sh
# BusyBox httpd runs /cgi-bin/index.cgi for a directory without index.html: the root answers as myapp.
PATH_INFO=/ exec /www/cgi-bin/myapp
