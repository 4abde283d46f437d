/** Cross-Interest: cross-category user interest mapping on Apache Flink. */
package io.crossinterest;
