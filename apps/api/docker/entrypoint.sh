#!/bin/sh
# AUTO_MIGRATE=true (docker-compose.yml's development stack) applies pending migrations before the
# API starts; deployments run `migrate up` as their release command instead.
set -e
if [ "${AUTO_MIGRATE:-false}" = "true" ] && [ "$1" = "node" ]; then
  migrate up
fi
exec "$@"
