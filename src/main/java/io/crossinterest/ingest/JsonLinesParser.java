package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * JSON lines, the Kafka wire format: one JSON object per line (per Kafka message value), UTF-8.
 *
 * <pre>
 * {"user":"1001","item":"2003","category":"42","behavior":"pv","weight":1.0,"timestamp":1511658000000}
 * </pre>
 *
 * <table>
 *   <caption>fields</caption>
 *   <tr><th>field</th><th>JSON type</th><th>rule</th></tr>
 *   <tr><td>{@code user}, {@code item}, {@code category}</td><td>string (or integer, taken as its decimal text)</td>
 *       <td>required, non-empty, at most {@link ParseLimits#maxFieldChars()} chars; used as they are</td></tr>
 *   <tr><td>{@code behavior}</td><td>string</td><td>required; a {@link Behavior} wire name ({@code pv, click, fav,
 *       cart, buy, rating}; {@link Behavior#parse} synonyms accepted)</td></tr>
 *   <tr><td>{@code weight}</td><td>number</td><td>optional, default 1; finite and non-negative; required for
 *       {@code rating} (it is the rating)</td></tr>
 *   <tr><td>{@code timestamp}</td><td>integer</td><td>required; event time in epoch <b>milliseconds</b>, not negative, not
 *       later than the reference time + the allowed skew</td></tr>
 * </table>
 *
 * Unknown fields are ignored (producers may add fields without breaking consumers); a field given
 * twice, a value of the wrong JSON type, anything after the object and invalid JSON are rejected.
 * {@link EventJson} writes exactly this format, so what this job emits it can read back.
 */
public final class JsonLinesParser extends LineParser {
    private static final long serialVersionUID = 1L;

    public static final String USER = "user";
    public static final String ITEM = "item";
    public static final String CATEGORY = "category";
    public static final String BEHAVIOR = "behavior";
    public static final String WEIGHT = "weight";
    public static final String TIMESTAMP = "timestamp";

    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public JsonLinesParser(ParseLimits limits) {
        super(limits);
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        String user = null;
        String item = null;
        String category = null;
        Behavior behavior = null;
        String behaviorText = null;
        double weight = 1.0;
        boolean hasWeight = false;
        long timestamp = 0;
        boolean hasTimestamp = false;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw RejectReason.BAD_JSON.exception("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue; // null is absent
                }
                switch (name) {
                    case USER:
                        user = id(p, t, USER);
                        break;
                    case ITEM:
                        item = id(p, t, ITEM);
                        break;
                    case CATEGORY:
                        category = id(p, t, CATEGORY);
                        break;
                    case BEHAVIOR:
                        if (t != JsonToken.VALUE_STRING) {
                            throw RejectReason.BAD_JSON.exception(
                                    "behavior: expected a string, got " + t.asString());
                        }
                        behaviorText = p.getText();
                        checkValue(behaviorText, BEHAVIOR);
                        behavior = Behavior.parse(behaviorText);
                        break;
                    case WEIGHT:
                        if (!t.isNumeric()) {
                            throw RejectReason.NOT_A_NUMBER.exception(
                                    "weight: expected a number, got " + describe(p, t));
                        }
                        weight = p.getDoubleValue();
                        hasWeight = true;
                        break;
                    case TIMESTAMP:
                        if (t != JsonToken.VALUE_NUMBER_INT) {
                            throw RejectReason.NOT_A_NUMBER.exception(
                                    "timestamp: expected an integer (epoch ms), got "
                                            + describe(p, t));
                        }
                        timestamp = p.getLongValue();
                        hasTimestamp = true;
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw RejectReason.BAD_JSON.exception(
                        "unexpected " + (t == null ? "end of input" : t.asString()));
            }
            if (p.nextToken() != null) {
                throw RejectReason.BAD_JSON.exception("content after the JSON object");
            }
        } catch (InputCoercionException e) {
            throw RejectReason.NOT_A_NUMBER.exception(
                    "number out of range: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw RejectReason.BAD_JSON.exception(oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw RejectReason.BAD_JSON.exception(oneLine(String.valueOf(e.getMessage())));
        }
        StringBuilder missing = null;
        missing = note(missing, user == null, USER);
        missing = note(missing, item == null, ITEM);
        missing = note(missing, category == null, CATEGORY);
        missing = note(missing, behaviorText == null, BEHAVIOR);
        missing = note(missing, !hasTimestamp, TIMESTAMP);
        if (missing != null) {
            throw RejectReason.MISSING_FIELD.exception("missing " + missing);
        }
        if (behavior == null) {
            throw RejectReason.UNKNOWN_BEHAVIOR.exception(
                    "behavior: '"
                            + behaviorText
                            + "' is not one of pv, click, fav, cart, buy, rating");
        }
        if (behavior == Behavior.RATING && !hasWeight) {
            throw RejectReason.MISSING_FIELD.exception(
                    "missing weight (the rating of a rating event)");
        }
        checkWeight(weight, WEIGHT);
        checkTimestamp(timestamp, TIMESTAMP);
        out.accept(new BehaviorEvent(user, item, category, behavior, weight, timestamp));
    }

    private String id(JsonParser p, JsonToken t, String name)
            throws IOException, MalformedRecordException {
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
            throw RejectReason.BAD_JSON.exception(
                    name + ": expected a string or an integer, got " + t.asString());
        }
        String v = p.getText();
        checkValue(v, name);
        return v;
    }

    private void checkValue(String v, String name) throws MalformedRecordException {
        checkLength(v, 0, v.length(), name);
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            return "string " + quote(s, 0, s.length());
        }
        return t.isScalarValue() ? p.getText() : t.asString();
    }

    private static StringBuilder note(StringBuilder sb, boolean missing, String name) {
        if (!missing) {
            return sb;
        }
        if (sb == null) {
            return new StringBuilder(name);
        }
        return sb.append(", ").append(name);
    }

    private static String oneLine(String s) {
        return s == null ? "invalid JSON" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
