#!/bin/sh
# `docker run <image> migrate up|status|…`: the @shopops/migrate CLI on the image's migrations.
exec node --enable-source-maps /app/apps/api/docker/migrate.mjs "$@"
