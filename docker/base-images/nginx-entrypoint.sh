#!/bin/sh
# As the official image's /docker-entrypoint.sh: run /docker-entrypoint.d/* before starting nginx.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
    case "$f" in
      *.envsh) if [ -x "$f" ]; then . "$f"; fi ;;
      *.sh) if [ -x "$f" ]; then "$f"; fi ;;
    esac
  done
fi
exec "$@"
