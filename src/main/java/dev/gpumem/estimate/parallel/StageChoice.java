package dev.gpumem.estimate.parallel;

import dev.gpumem.estimate.WireEnum;
import dev.gpumem.input.BadInputException;
import java.util.Objects;

/**
 * Which pipeline stage's rank the estimate counts: {@code worst} (every stage estimated, the highest peak kept),
 * {@code first}, {@code last}, or a stage index 0..p−1.
 *
 * @param kind  worst, first, last or index
 * @param index the stage for {@link Kind#INDEX}, else 0
 */
public record StageChoice(Kind kind, int index) {
    public static final StageChoice WORST = new StageChoice(Kind.WORST, 0);
    public static final StageChoice FIRST = new StageChoice(Kind.FIRST, 0);
    public static final StageChoice LAST = new StageChoice(Kind.LAST, 0);

    /** How the stage is named. */
    public enum Kind implements WireEnum {
        WORST("worst"), FIRST("first"), LAST("last"), INDEX("index");
        private final String wire;
        Kind(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    public StageChoice {
        Objects.requireNonNull(kind, "parallel.stage");
        if (kind == Kind.INDEX && index < 0) {
            throw new BadInputException("parallel.stage: a stage index must be 0 or more, got " + index);
        }
        if (kind != Kind.INDEX && index != 0) {
            throw new BadInputException("parallel.stage: an index is given only with kind index");
        }
    }

    /** @return stage {@code index} (0-based) */
    public static StageChoice of(int index) {
        return new StageChoice(Kind.INDEX, index);
    }

    /**
     * @param wire worst, first, last or a decimal stage index
     * @throws BadInputException naming parallel.stage and the accepted values
     */
    public static StageChoice parse(String wire) {
        if (wire.matches("[0-9]{1,9}")) {
            return of(Integer.parseInt(wire));
        }
        return switch (wire) {
            case "worst" -> WORST;
            case "first" -> FIRST;
            case "last" -> LAST;
            default -> throw new BadInputException("parallel.stage: unknown value '" + wire
                    + "'; accepted: worst, first, last or a stage index 0..pipeline-1");
        };
    }

    /** @return worst, first, last or the index, as in a request */
    public String wire() {
        return kind == Kind.INDEX ? Integer.toString(index) : kind.wire();
    }

    /** @return the stage this names among {@code stages}, or -1 for worst */
    public int resolve(int stages) {
        return switch (kind) {
            case WORST -> -1;
            case FIRST -> 0;
            case LAST -> stages - 1;
            case INDEX -> index;
        };
    }
}
