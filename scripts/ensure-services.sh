#!/usr/bin/env bash
# Start local PostgreSQL and RabbitMQ if they are not answering; install them first on a
# Debian machine that lacks them. Idempotent: does nothing when both already run.
set -euo pipefail

PG_HOST=${PG_HOST:-127.0.0.1}
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

have_pg() { command -v pg_isready >/dev/null && pg_isready -q -h "$PG_HOST" -p 5432; }
have_rabbit() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

install_missing() {
  local pkgs=()
  ls /etc/postgresql >/dev/null 2>&1 || pkgs+=(postgresql)
  command -v rabbitmq-server >/dev/null || pkgs+=(rabbitmq-server)
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "ensure-services: installing ${pkgs[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
}

# The tests use a vhost of their own so that they never share queues with a running system.
ensure_test_vhost() {
  command -v rabbitmqctl >/dev/null || return 0
  if ! $SUDO rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx paywire_test; then
    $SUDO rabbitmqctl -q add_vhost paywire_test >/dev/null
  fi
  $SUDO rabbitmqctl -q set_permissions -p paywire_test guest ".*" ".*" ".*" >/dev/null
}

if ! have_pg || ! have_rabbit; then
  install_missing
fi

if ! have_pg; then
  echo "ensure-services: starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
fi
if ! have_rabbit; then
  echo "ensure-services: starting RabbitMQ"
  $SUDO rabbitmq-server -detached || true
fi

for _ in $(seq 1 60); do
  if have_pg && have_rabbit; then
    # RabbitMQ accepts TCP before it accepts AMQP logins; wait for the app itself.
    if ! command -v rabbitmqctl >/dev/null || $SUDO rabbitmqctl -q await_startup >/dev/null 2>&1; then
      ensure_test_vhost
      echo "ensure-services: PostgreSQL and RabbitMQ are up"
      exit 0
    fi
  fi
  sleep 1
done
echo "ensure-services: PostgreSQL or RabbitMQ did not come up" >&2
have_pg || echo "  PostgreSQL at $PG_HOST:5432 is not answering" >&2
have_rabbit || echo "  RabbitMQ at 127.0.0.1:5672 is not answering" >&2
exit 1
