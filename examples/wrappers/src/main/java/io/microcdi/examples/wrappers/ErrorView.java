package io.microcdi.examples.wrappers;

import io.microcdi.errors.MicroException;

/**
 * A failed call in Go Micro's error shape, as {@code wrappers.jar call} prints it.
 *
 * <pre>{@code
 * {"id":"backend.auth","code":401,"detail":"Backend.Inspect needs Authorization: Bearer <example.token>",
 *  "status":"Unauthorized"}
 * }</pre>
 *
 * @param id     the error id
 * @param code   the HTTP-like status code
 * @param detail what went wrong
 * @param status the status text
 */
public record ErrorView(String id, int code, String detail, String status) {

    static ErrorView of(MicroException e) {
        return new ErrorView(e.id(), e.code(), e.detail(), e.status());
    }
}
