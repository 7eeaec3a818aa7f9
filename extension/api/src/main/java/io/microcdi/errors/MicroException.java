package io.microcdi.errors;

import java.util.Locale;

/**
 * The Go Micro error: {@code {"id", "code", "detail", "status"}}, carried in the {@code Micro-Error} header.
 *
 * <pre>{@code
 * throw MicroException.badRequest("greeter.hello", "name %s not allowed", name);
 * } catch (MicroException e) { if (e.code() == 404) ... }
 * }</pre>
 *
 * <p>{@link #status()} is the HTTP reason phrase of {@link #code()}. A handler that throws this exception sends it
 * to the caller as is; any other exception reaches the caller as a 500 with the exception's message as detail.
 */
public class MicroException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String id;
    private final int code;
    private final String detail;
    private final String status;

    /** An error with the reason phrase of {@code code} as status. */
    public MicroException(String id, String detail, int code) {
        this(id, code, detail, statusText(code), null);
    }

    /** An error exactly as received on the wire. */
    public MicroException(String id, int code, String detail, String status) {
        this(id, code, detail, status, null);
    }

    /** An error with a local cause (the cause never travels). */
    public MicroException(String id, int code, String detail, String status, Throwable cause) {
        super(format(id == null ? "" : id, code, detail == null ? "" : detail), cause);
        this.id = id == null ? "" : id;
        this.code = code;
        this.detail = detail == null ? "" : detail;
        this.status = status == null ? statusText(code) : status;
    }

    /** 400 Bad Request. */
    public static MicroException badRequest(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 400);
    }

    /** 401 Unauthorized. */
    public static MicroException unauthorized(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 401);
    }

    /** 403 Forbidden. */
    public static MicroException forbidden(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 403);
    }

    /** 404 Not Found. */
    public static MicroException notFound(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 404);
    }

    /** 405 Method Not Allowed. */
    public static MicroException methodNotAllowed(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 405);
    }

    /** 408 Request Timeout. */
    public static MicroException timeout(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 408);
    }

    /** 409 Conflict. */
    public static MicroException conflict(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 409);
    }

    /** 500 Internal Server Error. */
    public static MicroException internalServerError(String id, String format, Object... args) {
        return new MicroException(id, format(format, args), 500);
    }

    /** Who raised the error, for example {@code go.micro.client} or {@code greeter.hello}. */
    public String id() {
        return id;
    }

    /** The HTTP-like status code: 400, 404, 408, 500 ... */
    public int code() {
        return code;
    }

    /** What went wrong, for a human. */
    public String detail() {
        return detail;
    }

    /** The reason phrase of the code, for example {@code Not Found}. */
    public String status() {
        return status;
    }

    /** The reason phrase of an HTTP status code, or {@code ""} when unknown. */
    public static String statusText(int code) {
        return switch (code) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Request Entity Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    /** {@code String.format}, except that a detail given without arguments is taken as is ({@code "100%"}). */
    private static String format(String format, Object[] args) {
        return args.length == 0 ? format : String.format(Locale.ROOT, format, args);
    }

    private static String format(String id, int code, String detail) {
        return code + " " + statusText(code) + " [" + id + "]: " + detail;
    }
}
