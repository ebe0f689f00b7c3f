# Stand-in for nginx:<version>-bookworm: nginx from Debian, laid out like the official image
# (user nginx 101:101, /etc/nginx/conf.d, /usr/share/nginx/html, logs to stdout/stderr,
# /docker-entrypoint.sh running /docker-entrypoint.d/*, templates rendered by envsubst).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 101 nginx \
 && useradd --system --uid 101 --gid nginx --home-dir /nonexistent --no-create-home --shell /bin/false nginx \
 && apt-get update \
 && apt-get install -y --no-install-recommends nginx-light gettext-base ca-certificates \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available /var/www \
 && mkdir -p /etc/nginx/conf.d /usr/share/nginx/html /var/cache/nginx /docker-entrypoint.d \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && printf '<!doctype html><title>Welcome to nginx!</title><h1>Welcome to nginx!</h1>\n' > /usr/share/nginx/html/index.html \
 && nginx -v
COPY nginx.conf /etc/nginx/nginx.conf
COPY nginx-default.conf /etc/nginx/conf.d/default.conf
COPY nginx-entrypoint.sh /docker-entrypoint.sh
COPY nginx-envsubst-on-templates.sh /docker-entrypoint.d/20-envsubst-on-templates.sh
RUN chmod 0755 /docker-entrypoint.sh /docker-entrypoint.d/20-envsubst-on-templates.sh
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
