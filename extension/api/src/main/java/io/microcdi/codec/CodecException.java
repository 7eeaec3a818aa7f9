package io.microcdi.codec;

/**
 * A body could not be decoded or a value could not be encoded; the message says what and where.
 *
 * <pre>{@code
 * throw new CodecException("json: field name: expected a string, got a number (line 1, column 10)", e);
 * }</pre>
 */
public class CodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
