/**
 * The JSON codec ({@code application/json}), on Jackson: records and POJOs, unknown fields ignored as Go does.
 */
package io.microcdi.codec.json;
