package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum whose members have a lower-case name in requests and results. */
public interface WireEnum {
    String wire();

    /**
     * Finds the member with the given wire name.
     *
     * @throws BadInputException "field: unknown value 'x'; accepted: a, b, c"
     */
    static <E extends Enum<E> & WireEnum> E parse(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(value)) {
                return e;
            }
        }
        throw new BadInputException(field + ": unknown value '" + value + "'; accepted: "
                + Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).collect(Collectors.joining(", ")));
    }
}
