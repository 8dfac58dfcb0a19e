package io.isobench;

/**
 * Bad input from the user: a flag, a suite file, a parameter, a missing engine. The message names
 * what is wrong, where, and the fix; the CLI prints it alone (no stack trace) and exits with 2.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
