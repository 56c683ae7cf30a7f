/**
 * Input from outside gpumem: the one exception for input the user can fix, and the escaping of text that came from
 * a file or a child process before it is printed.
 * Owns: {@link dev.gpumem.input.BadInputException} (thrown by every reader and validator of requests, model
 * configs, safetensors headers, profiles, samples and calibration files; the CLI maps it, and only it, to exit 2)
 * and {@link dev.gpumem.input.PrintableText} (control characters made visible).
 * Lies below every other package so that {@code model}, {@code estimate}, {@code measure}, {@code io} and
 * {@code cli} can all throw and catch the same type.
 * Must not: depend on any other gpumem package.
 */
package dev.gpumem.input;
