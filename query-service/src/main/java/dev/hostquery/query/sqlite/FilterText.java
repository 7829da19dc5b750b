package dev.hostquery.query.sqlite;

/**
 * The lexical half of checking a subscription filter: a filter is pasted between parentheses into the
 * subscription's SELECT, so it must not be able to leave them. Walks the text as SQLite's tokenizer would
 * (string literals {@code '…'}, quoted identifiers {@code "…"}, {@code `…`} and {@code […]}, comments) and refuses
 * a parenthesis that closes more than it opened, one left open, a comment, a semicolon, and an unterminated
 * literal. The other half (one table, no subquery) is the authorizer's, in {@link QueryEngine#checkFilter}.
 */
final class FilterText {
    /** Longest filter accepted, characters. */
    static final int MAX_LENGTH = 4_096;

    private FilterText() {
    }

    /** @throws QueryException bad_request naming what is wrong and its offset in the filter */
    static void check(String filter) {
        if (filter.length() > MAX_LENGTH) {
            throw refuse("is " + filter.length() + " characters long; at most " + MAX_LENGTH + " are allowed", -1);
        }
        int depth = 0;
        int n = filter.length();
        for (int i = 0; i < n; i++) {
            char c = filter.charAt(i);
            switch (c) {
                case '\'', '"', '`' -> i = closing(filter, i, c);
                case '[' -> i = closing(filter, i, ']');
                case '(' -> depth++;
                case ')' -> {
                    if (--depth < 0) {
                        throw refuse("closes a parenthesis it did not open at position " + i, i);
                    }
                }
                case ';' -> throw refuse("holds a semicolon at position " + i + "; a filter is one expression", i);
                case '-' -> {
                    if (i + 1 < n && filter.charAt(i + 1) == '-') {
                        throw refuse("holds a comment (--) at position " + i, i);
                    }
                }
                case '/' -> {
                    if (i + 1 < n && filter.charAt(i + 1) == '*') {
                        throw refuse("holds a comment (/*) at position " + i, i);
                    }
                }
                case '\0' -> throw refuse("holds a NUL character at position " + i, i);
                default -> {
                }
            }
        }
        if (depth > 0) {
            throw refuse("leaves " + depth + " parenthesis" + (depth > 1 ? "es" : "") + " open", n);
        }
    }

    /** The index of the quote that ends the literal opened at {@code start}; a doubled quote is part of it. */
    private static int closing(String filter, int start, char quote) {
        for (int i = start + 1; i < filter.length(); i++) {
            if (filter.charAt(i) == quote) {
                if (quote != ']' && i + 1 < filter.length() && filter.charAt(i + 1) == quote) {
                    i++;
                    continue;
                }
                return i;
            }
        }
        throw refuse("has a quote (" + filter.charAt(start) + ") opened at position " + start + " that never closes", start);
    }

    private static QueryException refuse(String what, int position) {
        return new QueryException(ErrorCode.BAD_REQUEST, "a filter is an expression over one event's columns, and this one "
                + what, position, null);
    }
}
