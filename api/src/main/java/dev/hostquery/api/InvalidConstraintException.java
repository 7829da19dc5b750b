package dev.hostquery.api;

/** A pushed-down constraint whose value the table cannot use; reported as {@code invalid_constraint}. */
public class InvalidConstraintException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidConstraintException(String message) {
        super(message);
    }
}
