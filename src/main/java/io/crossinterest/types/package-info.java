/**
 * Flink type information for the project's hand-written serializers ({@link
 * io.crossinterest.types.SerializerTypeInfo}): below every package that builds a job graph, so the
 * profile pipeline and the distributed ALS share it without importing each other.
 */
package io.crossinterest.types;
