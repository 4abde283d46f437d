package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Pseudonymises user ids at the parse step, before anything keys, stores, scores or writes them:
 * each event's user becomes {@code p-} + the first 16 bytes of HMAC-SHA256(key, user) in hex. The
 * same id under the same key always gives the same pseudonym (profiles, state, savepoints and
 * recommendations stay per user, and a backfill and a stream with the same key agree); without the
 * key the mapping can be neither reversed nor recomputed. Items, categories, behaviours and times
 * pass unchanged. Malformed records are the wrapped parser's dead letters as before; their raw text
 * is what was received.
 */
public final class PseudonymisingParser implements RecordParser {
    private static final long serialVersionUID = 1L;
    static final String ALGORITHM = "HmacSHA256";

    private final RecordParser parser;
    private final byte[] key;
    private transient Mac mac;

    /**
     * @param key the secret (at least 16 bytes)
     */
    public PseudonymisingParser(RecordParser parser, byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException(
                    "a pseudonymisation key needs at least 16 bytes, got " + key.length);
        }
        this.parser = parser;
        this.key = key.clone();
    }

    /** The pseudonym of {@code user} under this parser's key. */
    public String pseudonym(String user) {
        if (mac == null) {
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(ALGORITHM + " is not available", e);
            }
        }
        byte[] h = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
        return "p-" + HexFormat.of().formatHex(h, 0, 16);
    }

    @Override
    public void parse(RawRecord record, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        parser.parse(
                record,
                e -> {
                    e.user = pseudonym(e.user);
                    out.accept(e);
                });
    }
}
