#!/bin/bash
# One-shot: creates the order status topic (4 partitions, keyed by order id) and its dead-letter topic.
# Runs in the apache/kafka image against the compose broker; safe to run again.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
topic="${ORDER_STATUS_TOPIC:-loms.order-status}"
create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1
}
create "$topic" 4
create "$topic.dlq" 1
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --describe --topic "$topic"
