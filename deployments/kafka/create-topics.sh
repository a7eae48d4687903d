#!/bin/bash
# One-shot: creates the order status topic (4 partitions, keyed by order id) and its dead-letter topic, and the
# stock level topic (4 partitions, keyed by SKU): the broker creates no topic itself, and the relay sends both
# kinds of event in one batch, so a missing stock topic would hold up the order events too.
# Runs in the apache/kafka image against the compose broker; safe to run again.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
topic="${ORDER_STATUS_TOPIC:-loms.order-status}"
stock_topic="${STOCK_LEVELS_TOPIC:-loms.stock-levels}"
create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1
}
create "$topic" 4
create "$topic.dlq" 1
create "$stock_topic" 4
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --describe --topic "$topic"
