/**
 * Ingestion: raw records, one {@link io.crossinterest.ingest.RecordParser} per input format, file
 * and Kafka sources, and the parse step with dead letters.
 *
 * <h2>Wiring (Flink)</h2>
 *
 * <pre>{@code
 * InputPlan plan = InputFormats.resolve("taobao", Path.of(input));          // InputSpecException: exit 2
 * DataStream<RawRecord> raw = env.fromSource(RawLineFormat.fileSource(plan),
 *         WatermarkStrategy.noWatermarks(), "files").uid("files");
 * // or, from Kafka: KafkaSource with new RawRecordKafkaDeserializer(), parser InputFormats.parser("jsonl", limits)
 * SingleOutputStreamOperator<BehaviorEvent> events =
 *         raw.process(new ParseFunction(plan.parser())).uid("parse").name("parse");
 * DataStream<DeadLetter> dead = events.getSideOutput(ParseFunction.DEAD_LETTERS);
 * dead.sinkTo(FileSink.forRowFormat(deadDir, new DeadLetterJson()).build());
 * }</pre>
 *
 * <h2>In process</h2>
 *
 * {@link io.crossinterest.ingest.LocalReader#read} reads an {@link
 * io.crossinterest.ingest.InputPlan} with the same line reader and parsers, giving events to one
 * consumer and dead letters to another.
 *
 * <h2>Dead letters</h2>
 *
 * A {@link io.crossinterest.event.DeadLetter}'s reason is {@code "<code>: <detail>"} with a code of
 * {@link io.crossinterest.ingest.RejectReason}; its source and position are the file path and
 * 1-based line number, or the Kafka topic-partition and offset; its raw text is the line as read.
 */
package io.crossinterest.ingest;
