package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import dev.gpumem.names.ClosestNames;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** An enum whose members have a lower-case name in requests and results. */
public interface WireEnum {
    String wire();

    /**
     * Finds the member with the given wire name.
     *
     * @throws BadInputException "field: unknown value 'x'; accepted: a, b, c", followed by
     *                                  "; did you mean b?" when a wire name is a few edits away
     *                                  ({@link ClosestNames})
     */
    static <E extends Enum<E> & WireEnum> E parse(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(value)) {
                return e;
            }
        }
        List<String> wires = Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).toList();
        throw new BadInputException(field + ": unknown value '" + value + "'; accepted: "
                + wires.stream().collect(Collectors.joining(", ")) + ClosestNames.didYouMean(value, wires));
    }
}
