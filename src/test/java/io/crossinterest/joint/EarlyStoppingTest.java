package io.crossinterest.joint;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {
    /** Feeds {@code epochs} until stop; returns how many epochs ran. */
    private static int run(EarlyStopping s, double... epochs) {
        for (int e = 0; e < epochs.length; e++) {
            s.offer(e, epochs[e]);
            if (s.stop()) {
                return e + 1;
            }
        }
        return epochs.length;
    }

    @Test
    void aCandidateOffThePathDoesNotEndTrainingEarly() {
        // the change-12 case: start 0.50, the bridge alone 0.60; the path climbs past it at epoch 3
        double bridgeAlone = 0.60;
        EarlyStopping s = new EarlyStopping(0.50, 2);
        int ran = run(s, 0.52, 0.55, 0.58, 0.61, 0.60, 0.59, 0.70);
        // patience counted against the path: epochs 0-3 each improve it, 4 and 5 do not, so 6
        // epochs run (counted against the bridge alone, epochs 0 and 1 would have stopped training
        // at 0.55)
        assertEquals(6, ran);
        assertEquals(3, s.bestEpoch());
        assertEquals(0.61, s.best());
        assertFalse(s.prefers(bridgeAlone), "the trained path's 0.61 beats the bridge alone");
    }

    @Test
    void theCandidateOffThePathIsKeptWhenThePathNeverReachesIt() {
        EarlyStopping s = new EarlyStopping(0.50, 2);
        assertEquals(4, run(s, 0.51, 0.53, 0.52, 0.52, 0.58));
        assertEquals(1, s.bestEpoch());
        assertTrue(s.prefers(0.60));
        assertFalse(s.prefers(0.53), "a tie keeps the path");
    }

    @Test
    void noEpochBeatingTheStartKeepsTheStart() {
        EarlyStopping s = new EarlyStopping(-1.0, 3); // e.g. minus a validation loss
        assertEquals(3, run(s, -1.2, -1.0, -1.1, -0.5));
        assertEquals(-1, s.bestEpoch());
        assertEquals(-1.0, s.best());
    }

    @Test
    void patienceMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 0));
    }
}
