/**
 * Kafka outside the job graph: {@link io.crossinterest.kafka.LocalKafkaBroker}, a real single-node
 * KRaft broker in a child JVM, which the tests and {@code bench live} start. The job's own Kafka
 * sources and sinks are in {@code io.crossinterest.pipeline.KafkaIo}.
 */
package io.crossinterest.kafka;
